import { ActivityFailure, ApplicationFailure, log, proxyActivities } from '@temporalio/workflow';

import type { CaseActivities } from '../activities/case-activities';
import type { Alert, AlertDelivery } from '../contracts/alerts';

/**
 * A case's alert deliveries to the webhook, each retried as the case's delivery settings say; one
 * that never gets through is kept as a dead letter. Deliveries run beside the main loop, which
 * waits for them (`idle`) before the case completes.
 */
export class WebhookDeliveries {
  private inFlight = 0;
  private readonly deliverAlertWebhook: CaseActivities['deliverAlertWebhook'];

  constructor(
    private readonly delivery: AlertDelivery,
    private readonly caseId: string,
    private readonly recordDeadLetter: CaseActivities['recordDeadLetter'],
  ) {
    this.deliverAlertWebhook = proxyActivities<CaseActivities>({
      startToCloseTimeout: '30 seconds',
      retry: {
        initialInterval: delivery.webhookInitialIntervalMs,
        backoffCoefficient: 2,
        maximumInterval: '10 minutes',
        maximumAttempts: delivery.webhookMaxAttempts,
      },
    }).deliverAlertWebhook;
  }

  get idle(): boolean {
    return this.inFlight === 0;
  }

  async deliver(alert: Alert): Promise<void> {
    this.inFlight += 1;
    try {
      await this.deliverAlertWebhook(alert);
    } catch (err) {
      const cause = err instanceof ActivityFailure ? err.cause : err;
      const attempt = cause instanceof ApplicationFailure ? (cause.details?.[0] as { attempt?: number } | undefined)?.attempt : undefined;
      await this.recordDeadLetter({
        alertId: alert.id,
        attempts: attempt ?? this.delivery.webhookMaxAttempts,
        lastError: cause instanceof Error ? cause.message : String(cause),
        at: new Date().toISOString(),
      });
      log.warn('Alert webhook gave up', { caseId: this.caseId, alertId: alert.id });
    } finally {
      this.inFlight -= 1;
    }
  }
}
