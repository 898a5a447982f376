/** The account page's password form, checked before it is sent (the API checks the same rules again). */
export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
  confirmPassword: string;
}

/** The API's minimum (libs/api MIN_PASSWORD_LENGTH): not importable here, as that module hashes with node:crypto. */
export const MIN_NEW_PASSWORD_LENGTH = 10;

/** Field name → message; empty when the change may be sent. */
export function passwordChangeErrors(change: PasswordChange): Partial<Record<keyof PasswordChange, string>> {
  const errors: Partial<Record<keyof PasswordChange, string>> = {};
  if (!change.currentPassword) errors.currentPassword = 'enter your current password';
  if (change.newPassword.length < MIN_NEW_PASSWORD_LENGTH) errors.newPassword = `use at least ${MIN_NEW_PASSWORD_LENGTH} characters`;
  else if (change.newPassword === change.currentPassword) errors.newPassword = 'the new password is the current one';
  if (change.confirmPassword !== change.newPassword) errors.confirmPassword = 'the two new passwords differ';
  return errors;
}
