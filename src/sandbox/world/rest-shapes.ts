/** REST answer shapes the sandbox's REST routes share, typed by GitHub's own description (@octokit/openapi-types). */
import type {components} from '@octokit/openapi-types'

export type SimpleUserJson = components['schemas']['simple-user']

/** GitHub's `simple-user` object for a user or an organization account (REST's links follow its login). */
export function simpleUserJson(
  account: {login: string; databaseId: number; id: string},
  type: 'User' | 'Organization',
  apiBase: string,
  webBase: string,
): SimpleUserJson {
  const url = `${apiBase}/users/${account.login}`
  return {
    login: account.login,
    id: account.databaseId,
    node_id: account.id,
    avatar_url: `https://avatars.githubusercontent.com/u/${account.databaseId}?v=4`,
    gravatar_id: '',
    url,
    html_url: `${webBase}/${account.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type,
    site_admin: false,
    user_view_type: 'public',
  }
}
