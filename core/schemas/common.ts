import { z } from 'zod';

export const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256 digest');

/** Adapter, tenant and backbone names: safe in URLs, R2 keys and file names. */
export const Slug = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, 'lowercase letters, digits, ".", "_" or "-", starting with a letter or digit');

export const BackboneId = Slug;
export type BackboneId = z.infer<typeof BackboneId>;
