// Reads the environment, starts Linli, prints where it is, and shuts down gracefully on SIGTERM/SIGINT.
import closeWithGrace from 'close-with-grace';
import { buildApp } from './app';
import { ConfigError, loadConfig, type AppConfig } from './config';
import { demoPhones } from './db/seed-demo';

function banner(config: AppConfig, url: string): string {
  const db = config.database.kind === 'postgres' ? `PostgreSQL (${config.database.url.replace(/\/\/[^@]*@/, '//***@')})` : `embedded PGlite in ${config.database.dataDir}`;
  const lines = [
    '',
    '  邻里 Linli is running',
    `  App:      ${url}/`,
    `  API docs: ${url}/docs`,
    `  Database: ${db}`,
  ];
  if (config.devLogin) {
    lines.push(
      '  Demo log-in phones (手机号登录):',
      `    ${demoPhones.admin}  社区管理员 admin`,
      `    ${demoPhones.gridWorker1}  网格员 第一网格 (1–3号楼)    ${demoPhones.gridWorker2}  网格员 第二网格 (4–6号楼)`,
      `    ${demoPhones.volunteer1}  志愿者 volunteer            ${demoPhones.volunteer2}  志愿者 volunteer`,
      '    13801110100  居民 1号楼 1单元 101 (138 + 楼号2位 + 单元 + 房号3位 + 00)',
    );
  }
  return lines.join('\n') + '\n';
}

async function main() {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`Linli cannot start: ${err.message}`);
      process.exit(1);
    }
    throw err;
  }
  const app = await buildApp(config);
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, 'shutting down after an error');
    else app.log.info(`${signal} received: finishing in-flight requests, then closing`);
    // server.close() reaps only the connections idle at that moment. A keep-alive connection whose request finishes
    // later (a load balancer's, a browser's) would hold the process open until the grace delay kills it with exit 1.
    const reapIdle = setInterval(() => app.server.closeIdleConnections(), 100);
    try {
      await app.close();
    } finally {
      clearInterval(reapIdle);
    }
  });
  const address = await app.listen({ port: config.port, host: config.host });
  const shownUrl = address.replace('://[::1]', '://localhost').replace('://0.0.0.0', '://127.0.0.1');
  process.stdout.write(banner(config, shownUrl));
}

main().catch((err) => {
  console.error('Linli failed to start:', err instanceof Error ? err.message : err);
  if (err?.code === 'EADDRINUSE') console.error('The port is taken: stop the other process or set PORT to a free one.');
  process.exit(1);
});
