import { openDatabaseAdapter } from './adapter';
import { PrismaClient } from './generated/client';

export interface Database {
  prisma: PrismaClient;
  close(): Promise<void>;
}

/** The one place that creates a PrismaClient, over the PostgreSQL server at `url`. */
export function openDatabase(url: string): Database {
  const adapter = openDatabaseAdapter(url);
  const prisma = new PrismaClient({ adapter: adapter.factory });
  return {
    prisma,
    async close() {
      await prisma.$disconnect();
      await adapter.close();
    },
  };
}
