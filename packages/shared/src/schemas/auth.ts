/** Signing in: login, first-owner setup, and the session the inbox works with. */
import { z } from 'zod';
import { isoDateTime, nameSchema } from './common.ts';
import { emailSchema, passwordSchema, staffUserSchema } from './staff.ts';

/** Body of POST /v1/auth/login. */
export const loginSchema = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(200),
});
export type Login = z.infer<typeof loginSchema>;

/** Body of POST /v1/auth/setup: the first owner, with the one-time token the start command printed. */
export const setupSchema = z.object({
  token: z.string().min(1).max(200),
  email: emailSchema,
  name: nameSchema,
  password: passwordSchema,
});
export type Setup = z.input<typeof setupSchema>;

/** A signed-in staff member, their project, and the CSRF token every mutation must send. */
export const sessionSchema = z.object({
  user: staffUserSchema,
  project: z.object({ id: z.uuid(), name: z.string(), publicKey: z.string() }),
  csrfToken: z.string().describe('Send as the x-csrf-token header on every POST, PATCH and DELETE'),
  expiresAt: isoDateTime,
  features: z
    .object({ email: z.boolean().describe('Email replies can be sent: the server has SMTP_URL set') })
    .describe('What this server is set up for, so the inbox can say so before anyone types'),
});
export type Session = z.infer<typeof sessionSchema>;
