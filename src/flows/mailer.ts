/**
 * Outgoing mail. With SMTP_URL set, mail goes through nodemailer's SMTP transport; without it, to the
 * development outbox: logged (without the body, which may hold a reset link) and kept in the store,
 * readable through the management API outside production mode.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import type { Logger } from 'pino';
import type { Db } from '../store/index.js';

export interface Mail {
  poolId: string | null;
  to: string;
  subject: string;
  text: string;
}

export interface OutboxMessage {
  id: string;
  to: string;
  subject: string;
  text: string;
  createdAt: string;
}

export class Mailer {
  readonly #transport: Transporter | undefined;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
    private readonly options: { smtpUrl?: string; from: string },
  ) {
    this.#transport = options.smtpUrl ? nodemailer.createTransport(options.smtpUrl) : undefined;
  }

  get usesOutbox(): boolean {
    return !this.#transport;
  }

  async send(mail: Mail): Promise<void> {
    if (this.#transport) {
      await this.#transport.sendMail({
        from: this.options.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
      });
      return;
    }
    await this.db
      .insertInto('outbox')
      .values({ pool_id: mail.poolId, recipient: mail.to, subject: mail.subject, body: mail.text })
      .execute();
    this.logger.info({ to: mail.to, subject: mail.subject }, 'mail written to the development outbox');
  }

  async outbox(poolId: string, limit = 50): Promise<OutboxMessage[]> {
    const rows = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('pool_id', '=', poolId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: String(r.id),
      to: r.recipient,
      subject: r.subject,
      text: r.body,
      createdAt: r.created_at.toISOString(),
    }));
  }

  close(): void {
    this.#transport?.close();
  }
}
