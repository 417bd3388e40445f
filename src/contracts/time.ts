import { z } from 'zod';

/** An instant as every contract takes it: ISO 8601 with an offset (Z or ±hh:mm). */
export const IsoDateTimeSchema = z.iso.datetime({ offset: true }).describe('ISO 8601 date and time with offset');
