// What tests of whole runs check in the event log after a run, in one place for every such test.
import type { Executor } from '../store/dialect.ts';

/** (contact, step) pairs entered more than once: none in a run of a journey without loops, however it was driven. */
export function stepsEnteredTwice(db: Executor, runId: string) {
  return db
    .selectFrom('events')
    .select(['contact_id', 'node_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('run_id', '=', runId)
    .where('type', '=', 'node.entered')
    .groupBy(['contact_id', 'node_id'])
    .having((eb) => eb.fn.countAll(), '>', 1)
    .execute();
}
