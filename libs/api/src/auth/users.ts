import type { Db } from '@ktlab/db';
import { ensureProject } from '../services/projects';
import { generatePassword, hashPassword } from './password';

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function createUser(db: Db, input: { email: string; name: string; password: string; isAdmin?: boolean }) {
  return db.user.create({
    data: { email: normalizeEmail(input.email), name: input.name, passwordHash: await hashPassword(input.password), isAdmin: input.isAdmin ?? false },
    select: { id: true, email: true, name: true, isAdmin: true, createdAt: true },
  });
}

/**
 * On a database with no user: creates an admin who owns the default project, with a generated password
 * returned once (the caller prints it / writes it to a private file). Undefined when users already exist.
 */
export async function ensureFirstAdmin(db: Db, email = 'admin@ktlab.local'): Promise<{ email: string; password: string } | undefined> {
  if ((await db.user.count()) > 0) return undefined;
  const password = generatePassword();
  const admin = await createUser(db, { email, name: 'Administrator', password, isAdmin: true });
  const project = await ensureProject(db);
  await db.projectMember.upsert({
    where: { projectId_userId: { projectId: project.id, userId: admin.id } },
    create: { projectId: project.id, userId: admin.id, role: 'owner' },
    update: { role: 'owner' },
  });
  return { email: admin.email, password };
}
