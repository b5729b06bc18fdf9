/**
 * What deploying a new `PermissionGroup` or `FinSpaceUser` does when FinSpace
 * already has one with the declared name or e-mail address.
 */
export enum IfExists {
  /** Fail the deployment, naming the existing object's id: nothing made by hand is taken over unasked. */
  FAIL = 'FAIL',
  /**
   * Take the existing one over: the stack manages it from then on as if it had
   * created it (it is changed to match the declaration).
   */
  ADOPT = 'ADOPT',
}
