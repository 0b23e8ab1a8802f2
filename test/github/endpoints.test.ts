import {expect} from 'chai'
import {isLoopback, resolveEndpoints} from '../../src/github/endpoints.js'
import {UserError} from '../../src/util/errors.js'

describe('github/endpoints', () => {
  it('defaults to github.com', () => {
    expect(resolveEndpoints({})).to.deep.equal({
      graphqlUrl: 'https://api.github.com/graphql',
      restUrl: 'https://api.github.com',
      host: 'github.com',
    })
    expect(resolveEndpoints({GH_HOST: 'github.com'}).restUrl).to.equal('https://api.github.com')
  })

  it('builds GitHub Enterprise Server URLs from GH_HOST', () => {
    expect(resolveEndpoints({GH_HOST: 'ghe.example.com'})).to.deep.equal({
      graphqlUrl: 'https://ghe.example.com/api/graphql',
      restUrl: 'https://ghe.example.com/api/v3',
      host: 'ghe.example.com',
    })
    // tolerated spellings of the same host
    expect(resolveEndpoints({GH_HOST: 'https://GHE.example.com/'}).restUrl).to.equal('https://ghe.example.com/api/v3')
  })

  it('uses api.HOST for GitHub Enterprise Cloud (*.ghe.com)', () => {
    expect(resolveEndpoints({GH_HOST: 'octo.ghe.com'})).to.deep.equal({
      graphqlUrl: 'https://api.octo.ghe.com/graphql',
      restUrl: 'https://api.octo.ghe.com',
      host: 'octo.ghe.com',
    })
  })

  it('lets GITHUB_API_URL win, as the sandbox root', () => {
    const e = resolveEndpoints({GITHUB_API_URL: 'http://127.0.0.1:4567/', GH_HOST: 'ghe.example.com'})
    expect(e.graphqlUrl).to.equal('http://127.0.0.1:4567/graphql')
    expect(e.restUrl).to.equal('http://127.0.0.1:4567')
    expect(isLoopback(e)).to.equal(true)
    expect(isLoopback(resolveEndpoints({}))).to.equal(false)
  })

  it('maps a GHES /api/v3 root to /api/graphql, trailing slashes tolerated', () => {
    const e = resolveEndpoints({GITHUB_API_URL: 'https://ghe.example.com/api/v3//'})
    expect(e).to.deep.equal({
      graphqlUrl: 'https://ghe.example.com/api/graphql',
      restUrl: 'https://ghe.example.com/api/v3',
      host: 'ghe.example.com',
    })
    expect(resolveEndpoints({GITHUB_API_URL: 'https://api.github.com'}).host).to.equal('github.com')
  })

  it('prefers explicit overrides to the environment', () => {
    const env = {GITHUB_API_URL: 'https://ghe.example.com/api/v3'}
    expect(resolveEndpoints(env, {apiUrl: 'http://localhost:9/'}).graphqlUrl).to.equal('http://localhost:9/graphql')
    expect(resolveEndpoints({GH_HOST: 'a.example.com'}, {host: 'b.example.com'}).restUrl).to.equal('https://b.example.com/api/v3')
  })

  it('refuses non-http(s) and malformed API URLs and hosts with a UserError', () => {
    for (const bad of ['ftp://ghe.example.com/api/v3', 'file:///etc/passwd', 'not a url', 'https://user:secret@ghe.example.com']) {
      expect(() => resolveEndpoints({GITHUB_API_URL: bad}), bad).to.throw(UserError)
    }
    expect(() => resolveEndpoints({GH_HOST: 'ghe example com'})).to.throw(UserError, /GH_HOST/)
  })
})
