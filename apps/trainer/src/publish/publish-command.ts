/** Registers `ktlab publish <run-dir> --portal <url>` on the CLI. */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { publishRunFolder } from './publish-run-folder';

export function registerPublishCommand(program: Command): void {
  program
    .command('publish')
    .description('publish a run that finished on this machine (ktlab run) into the portal, with its results, figures and clusters; publishing it again adds nothing')
    .argument('<run-dir>', 'the run folder (the --run-dir of `ktlab run`)')
    .requiredOption('--portal <url>', 'the portal, e.g. http://localhost:3000')
    .option('--project <slug>', 'portal project (default: your default project)')
    .option('--email <email>', 'portal user (default: .ktlab/admin-credentials)')
    .option('--password <password>', 'portal password (default: .ktlab/admin-credentials; or $KTLAB_PASSWORD)')
    .option('--method <preset>', 'the run\'s method (default: the preset recorded in the folder\'s run.json)')
    .option('--name <name>', 'run name (default: the folder\'s name)')
    .option('--tag <tag...>', 'tags to give the run')
    .addHelpText('after', [
      '',
      'Example:',
      '  npm run ktlab -- run --preset cc-jigsaw++ --data <folder> --quick --run-dir runs/a',
      '  npm run ktlab -- publish runs/a --portal http://localhost:3000 --project default',
      '',
      'The run appears in the portal as succeeded (imported from cli@<host>); workers never pick it up.',
      'Publishing the same folder again returns that run (and sends only files it lacks).',
    ].join('\n'))
    .action(async (runDir: string, options: { portal: string; project?: string; email?: string; password?: string; method?: string; name?: string; tag?: string[] }) => {
      try {
        const run = await publishRunFolder({
          runDir: resolve(runDir),
          portalUrl: options.portal,
          email: options.email,
          password: options.password ?? process.env.KTLAB_PASSWORD,
          ...(options.project ? { projectSlug: options.project } : {}),
          ...(options.method ? { method: options.method } : {}),
          ...(options.name ? { name: options.name } : {}),
          ...(options.tag ? { tags: options.tag } : {}),
        });
        const state = run.created ? 'published as' : run.deleted ? 'was published before (now in the portal\'s trash) as' : 'was published before as';
        console.log(`ktlab: ${runDir} ${state} ${run.name}: ${run.url}${run.files.length ? ` (files sent: ${run.files.join(', ')})` : ''}`);
      } catch (error) {
        console.error(`ktlab publish: ${(error as Error).message}`);
        process.exit(1);
      }
    });
}
