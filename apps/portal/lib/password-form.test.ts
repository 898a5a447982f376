import { describe, expect, it } from 'vitest';
import { passwordChangeErrors } from './password-form';

describe('account: password change form', () => {
  it('accepts a long enough new password typed twice', () => {
    expect(passwordChangeErrors({ currentPassword: 'old password', newPassword: 'a new long one', confirmPassword: 'a new long one' })).toEqual({});
  });

  it('names each field that is wrong', () => {
    expect(passwordChangeErrors({ currentPassword: '', newPassword: 'short', confirmPassword: 'shorter' })).toEqual({
      currentPassword: 'enter your current password',
      newPassword: 'use at least 10 characters',
      confirmPassword: 'the two new passwords differ',
    });
    expect(passwordChangeErrors({ currentPassword: 'same long password', newPassword: 'same long password', confirmPassword: 'same long password' })).toEqual({
      newPassword: 'the new password is the current one',
    });
  });
});
