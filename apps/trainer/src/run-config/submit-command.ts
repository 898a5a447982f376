/**
 * Registers `ktlab submit --portal <url> --config <file> [--set …]`: the same config `ktlab run` takes, queued on
 * the portal (runs.create) for its workers instead of run here.
 */
import type { Command } from 'commander';
import { describeError, runPageUrl, signIn } from '@ktlab/publish';
import { addConfigSourceOptions, DEFAULT_SHARED_DIR, resolveCliConfig, resolveOrExit, type ConfigSourceOptions } from './cli-config';

interface SubmitOptions extends ConfigSourceOptions {
  portal: string;
  project?: string;
  name?: string;
  tag?: string[];
  priority: string;
  email?: string;
  password?: string;
}

export function registerSubmitCommand(program: Command): void {
  const command = program
    .command('submit')
    .description('queue a run on the portal from a config file or a preset; the portal\'s workers run it')
    .requiredOption('--portal <url>', 'the portal, e.g. http://localhost:3000')
    .option('--project <slug>', 'portal project (default: your default project)')
    .option('--name <name>', 'run name (default: the portal names it)')
    .option('--tag <tag...>', 'tags to give the run')
    .option('--priority <n>', 'queue priority, -100..100', '0')
    .option('--email <email>', 'portal user (default: .ktlab/admin-credentials)')
    .option('--password <password>', 'portal password (default: .ktlab/admin-credentials; or $KTLAB_PASSWORD)');
  addConfigSourceOptions(command).addHelpText('after', [
    '',
    'Example:',
    '  npm run ktlab -- submit --portal http://localhost:3000 --config run.yaml --set pretext.epochs=10',
    '',
    'Paths are sent as typed: the workers read them (relative ones from the repository root), inside KTLAB_DATASET_ROOTS.',
  ].join('\n'));
  command.action(async (options: SubmitOptions) => {
    const resolved = resolveOrExit('submit', () => resolveCliConfig(options, { requireData: true, absolutePaths: false, sharedDir: DEFAULT_SHARED_DIR }));
    let session;
    try {
      session = await signIn({ portalUrl: options.portal, email: options.email, password: options.password ?? process.env.KTLAB_PASSWORD });
    } catch (error) {
      console.error(`ktlab submit: cannot sign in to ${options.portal}: ${describeError(error)}`);
      process.exit(1);
    }
    try {
      const run = await session.client.runs.create.mutate({
        ...(options.project ? { projectSlug: options.project } : {}),
        ...(options.name ? { name: options.name } : {}),
        method: resolved.method,
        priority: Number(options.priority),
        tags: options.tag ?? [],
        config: resolved.config,
      });
      console.log(`ktlab: submitted ${run.name} (${resolved.method}): ${runPageUrl(options.portal, run.id)}`);
    } catch (error) {
      console.error(`ktlab submit: the portal refused the run: ${describeError(error)}`);
      process.exit(1);
    }
  });
}
