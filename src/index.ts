export {UserError} from './util/errors.js'
export type * from './model/state.js'
