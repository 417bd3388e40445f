import { Lifecycle, StopRequested } from '../../src/lifecycle';

const later = <T>(ms: number, value: T): Promise<T> => new Promise((resolve) => setTimeout(() => resolve(value), ms));

describe('Lifecycle', () => {
  it('undoes completed steps last first, once, however often stop is called', async () => {
    const log: string[] = [];
    const life = new Lifecycle(() => undefined);
    await life.step(
      async () => 'db',
      async (v) => log.push(`undo ${v}`),
    );
    await life.step(
      async () => 'api',
      async (v) => log.push(`undo ${v}`),
    );
    await Promise.all([life.stop(), life.stop()]);
    expect(log).toEqual(['undo api', 'undo db']);
  });

  it('waits for the step in flight when a stop comes halfway through start-up, and undoes it too', async () => {
    const log: string[] = [];
    const life = new Lifecycle(() => undefined);
    await life.step(
      async () => 'temporal',
      async (v) => log.push(`undo ${v}`),
    );
    const slow = life.step(
      () => later(50, 'database'),
      async (v) => log.push(`undo ${v}`),
    );
    const stopped = life.stop();
    await expect(slow).rejects.toBeInstanceOf(StopRequested);
    await stopped;
    expect(log).toEqual(['undo database', 'undo temporal']);
    await expect(
      life.step(
        async () => 'api',
        async () => log.push('never'),
      ),
    ).rejects.toBeInstanceOf(StopRequested);
    expect(life.isStopping).toBe(true);
  });

  it('reports an undo that fails and goes on with the rest', async () => {
    const errors: unknown[] = [];
    const log: string[] = [];
    const life = new Lifecycle((err) => errors.push(err));
    await life.step(
      async () => 'a',
      async () => log.push('undo a'),
    );
    await life.step(
      async () => 'b',
      async () => {
        throw new Error('b will not stop');
      },
    );
    await life.stop();
    expect(log).toEqual(['undo a']);
    expect(errors).toEqual([new Error('b will not stop')]);
  });

  it('does not record a step that failed to start', async () => {
    const log: string[] = [];
    const life = new Lifecycle(() => undefined);
    await expect(
      life.step(
        () => Promise.reject(new Error('port taken')),
        async () => log.push('never'),
      ),
    ).rejects.toThrow('port taken');
    await life.stop();
    expect(log).toEqual([]);
  });
});
