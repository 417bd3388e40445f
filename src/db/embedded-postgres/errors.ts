import { StartupError } from '../../startup-error';

export class EmbeddedPostgresError extends StartupError {
  override readonly name = 'EmbeddedPostgresError';
}
