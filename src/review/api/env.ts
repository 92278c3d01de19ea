/**
 * What every review-API handler can see: its dependencies, and per request the
 * signed-in user, the request id and the client address.
 */
import type { BlobStore } from '../../blobs/blob-store.ts';
import type { Config } from '../../config/config.ts';
import type { EventBus } from '../../core/events.ts';
import type { Logger } from '../../core/logger.ts';
import type { Store } from '../../store/store.ts';
import type { ReviewMatcher } from '../match-feedback.ts';
import type { ApiUser } from '../users.ts';

export interface ReviewApiDeps {
  config: Config;
  store: Store;
  blobs: BlobStore;
  events: EventBus;
  logger: Logger;
  /** The matcher's feedback entry points; loaded from src/match when absent. */
  matcher?: ReviewMatcher;
  /** Page rasteriser override (tests); defaults to src/review/page-image.ts. */
  renderPage?: PageRenderer;
}

export interface PageRenderOptions {
  bytes: Buffer;
  mediaType: string;
  page: number;
  /** Evidence boxes in PDF points from the page's top-left. */
  boxes: { bbox: [number, number, number, number]; label: string; weak: boolean }[];
  dpi: number;
}

export type PageRenderer = (options: PageRenderOptions) => Promise<Buffer>;

export type ApiEnv = {
  Variables: {
    user: ApiUser;
    requestId: string;
    clientAddress: string | null;
  };
};
