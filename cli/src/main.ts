import { Command } from 'commander';
import { loadConfigFile, type SluiceConfig } from '@sluice/core';
import { parseRoles, ROLES } from './roles.js';
import { startSluice } from './start.js';
import { addTraceCommand } from './trace/command.js';

const EXIT_CONFIG = 2;
const EXIT_START = 1;

const program = new Command()
  .name('sluice')
  .description('Event-sourced MCP gateway')
  .showHelpAfterError();

program
  .command('start')
  .description('run the gateway: every role in one process, or the roles given with --role')
  .requiredOption('-c, --config <file>', 'configuration file (YAML)')
  .option('-r, --role <role...>', `role(s) to run: ${ROLES.join(', ')}`, [])
  .action(async (options: { config: string; role: string[] }) => {
    let config: SluiceConfig;
    let roles;
    try {
      config = loadConfigFile(options.config);
      roles = parseRoles(options.role);
    } catch (err) {
      process.stderr.write(`sluice: ${(err as Error).message}\n`);
      process.exit(EXIT_CONFIG);
    }
    let running;
    try {
      running = await startSluice(config, roles);
    } catch (err) {
      process.stderr.write(`sluice: cannot start: ${(err as Error).message}\n`);
      process.exit(EXIT_START);
    }
    let stopping = false;
    const shutdown = (signal: string): void => {
      if (stopping) {
        process.stderr.write(`sluice: ${signal} again, exiting now\n`);
        process.exit(EXIT_START);
      }
      stopping = true;
      running.logger.info({ signal }, 'draining');
      running.stop().then(
        () => process.exit(0),
        (err: unknown) => {
          running.logger.error({ err }, 'stop failed');
          process.exit(EXIT_START);
        },
      );
    };
    process.on('SIGINT', () => shutdown('SIGINT'));
    process.on('SIGTERM', () => shutdown('SIGTERM'));
  });

addTraceCommand(program);

await program.parseAsync(process.argv);
