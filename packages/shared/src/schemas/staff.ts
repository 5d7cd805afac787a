/** Staff users of the inbox: roles, and the bodies of the user endpoints. */
import { z } from 'zod';
import { staffRoles } from '../workflow.ts';
import { isoDateTime, nameSchema } from './common.ts';

export const staffRoleSchema = z
  .enum(staffRoles)
  .describe(
    'owner: everything; admin: surveys, keys, origins, rules, users; agent: works responses; viewer: reads',
  );

export const emailSchema = z
  .email()
  .max(320)
  .transform((value) => value.toLowerCase());
export const passwordSchema = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(200)
  .describe('At least 10 characters');
/** A staff user as the API returns it (never a password hash). */
export const staffUserSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: staffRoleSchema,
  createdAt: isoDateTime,
  lastLoginAt: isoDateTime.nullable(),
  deactivatedAt: isoDateTime.nullable(),
});
export type StaffUser = z.infer<typeof staffUserSchema>;

/** Body of POST /v1/users. */
export const staffUserCreateSchema = z.object({
  email: emailSchema,
  name: nameSchema,
  role: staffRoleSchema,
  password: passwordSchema,
});
export type StaffUserCreate = z.input<typeof staffUserCreateSchema>;

/** Body of PATCH /v1/users/:id. */
export const staffUserUpdateSchema = z
  .object({
    name: nameSchema,
    role: staffRoleSchema,
    password: passwordSchema,
    active: z
      .boolean()
      .describe(
        'false: deactivate (as DELETE: signs them out, keeps their activity); true: reactivate (they sign in with their password)',
      ),
  })
  .partial()
  .strict();
export type StaffUserUpdate = z.input<typeof staffUserUpdateSchema>;
