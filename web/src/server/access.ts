// The dashboard's access gate. The decision itself lives in @podstart/schema/access, shared with the HTTP
// server of `podstart up` / `podstart collect`, so there is one implementation of who may see what.
export {
  type AccessRequest,
  decideAccess,
  sameSecret,
  TOKEN_COOKIE,
} from '@podstart/schema/access'
