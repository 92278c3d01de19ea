/**
 * `intake users add NAME --role reviewer|admin` (prints the bearer token once;
 * only its hash is stored), `intake users revoke NAME`, `intake users list`.
 * Each change is written to the audit trail with the operating-system user as
 * the actor.
 */
import os from 'node:os';
import { Option, type Command } from 'commander';
import { appendAuditEvent } from '../../audit/index.ts';
import { IntakeError } from '../../core/errors.ts';
import { createUser, listUsers, revokeUser } from '../../review/users.ts';
import type { UserRole } from '../../store/schema/index.ts';
import { openCliRuntime, type CliRuntime } from '../runtime.ts';

function cliActor(): string {
  try {
    return `cli:${os.userInfo().username}`;
  } catch {
    return 'cli:unknown';
  }
}

async function withRuntime<T>(command: string, fn: (rt: CliRuntime) => Promise<T>): Promise<T> {
  const rt = await openCliRuntime(command, { quiet: true });
  try {
    return await fn(rt);
  } finally {
    await rt.close();
  }
}

export function registerUsers(program: Command): void {
  const users = program.command('users').description('review API users and their tokens');

  users
    .command('add')
    .description('create a user and print its API token (shown once)')
    .argument('<name>', 'user name (letters, digits, . _ @ -)')
    .addOption(new Option('--role <role>', 'reviewer or admin').choices(['reviewer', 'admin']).makeOptionMandatory())
    .option('--json', 'print {"name","role","token"} as JSON')
    .action(async (name: string, opts: { role: UserRole; json?: boolean }) => {
      await withRuntime('users add', async (rt) => {
        const { user, token } = await createUser(rt.store.db, name, opts.role);
        await appendAuditEvent(rt.store.db, {
          actor: cliActor(),
          action: 'user.create',
          resource: `User/${user.name}`,
          outcome: 'success',
          details: { role: user.role },
        });
        if (opts.json) {
          process.stdout.write(`${JSON.stringify({ name: user.name, role: user.role, token })}\n`);
        } else {
          process.stdout.write(`created ${user.role} ${user.name}\ntoken (shown once, store it now): ${token}\n`);
        }
      });
    });

  users
    .command('revoke')
    .description("revoke a user's token")
    .argument('<name>')
    .action(async (name: string) => {
      await withRuntime('users revoke', async (rt) => {
        if (!(await revokeUser(rt.store.db, name))) {
          throw new IntakeError('NOT_FOUND', `no active user named ${name}`);
        }
        await appendAuditEvent(rt.store.db, { actor: cliActor(), action: 'user.revoke', resource: `User/${name}`, outcome: 'success' });
        process.stdout.write(`revoked ${name}\n`);
      });
    });

  users
    .command('list')
    .description('all users with role and state')
    .option('--json', 'JSON Lines')
    .action(async (opts: { json?: boolean }) => {
      await withRuntime('users list', async (rt) => {
        const list = await listUsers(rt.store.db);
        for (const u of list) {
          process.stdout.write(
            opts.json
              ? `${JSON.stringify(u)}\n`
              : `${u.name.padEnd(24)} ${u.role.padEnd(9)} ${u.revokedAt ? `revoked ${u.revokedAt}` : `active since ${u.createdAt}`}\n`,
          );
        }
        if (!opts.json && list.length === 0) process.stdout.write('no users yet\n');
      });
    });
}
