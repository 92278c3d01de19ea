/**
 * The original pages with every extracted value's evidence box drawn over them.
 * Boxes are in PDF points from the page's top-left (src/extract/layout.ts), so
 * an SVG with a viewBox of the page size in points lines them up with the
 * image at any zoom. The view is drawn at once on a blank Letter page and each
 * image slots in as it arrives, so the fields are workable before the pages
 * have rendered. Box geometry is set through SVG attributes, which the CSP
 * allows (inline style attributes are not).
 */
import { clear, h, svg } from './dom.ts';
import { confidenceBand, labelFor } from './field-rules.ts';
import type { FieldView, PageImage } from './types.ts';

/** US Letter, until a page's image tells its real size. */
const LETTER_PT = { widthPt: 612, heightPt: 792 };

export interface PageViewHandle {
  element: HTMLElement;
  select(key: string | null): void;
  /** Puts a page's image in place (or says why there is none). */
  setImage(page: number, image: Omit<PageImage, 'page'> | { error: string }): void;
}

interface Frame {
  figure: HTMLElement;
  overlay: SVGSVGElement;
  note: HTMLElement;
}

export function renderPages(
  pageCount: number,
  fields: readonly FieldView[],
  threshold: number,
  onPick: (key: string) => void,
): PageViewHandle {
  const element = h('section', { class: 'pages', 'aria-label': 'Original pages' });
  const rects = new Map<string, SVGRectElement>();
  const frames = new Map<number, Frame>();
  for (let page = 1; page <= pageCount; page++) {
    const note = h('div', { class: 'page-note', role: 'note' }, `Loading page ${page}…`);
    const overlay = svg('svg', {
      class: 'boxes boxes-standalone',
      viewBox: `0 0 ${LETTER_PT.widthPt} ${LETTER_PT.heightPt}`,
      preserveAspectRatio: 'none',
      'aria-hidden': 'true',
    });
    for (const f of fields.filter((x) => x.page === page)) {
      const [x0, y0, x1, y1] = f.bbox;
      if (![x0, y0, x1, y1].every(Number.isFinite) || x1 <= x0 || y1 <= y0) continue;
      const pad = 2;
      const rect = svg('rect', {
        x: x0 - pad,
        y: y0 - pad,
        width: x1 - x0 + 2 * pad,
        height: y1 - y0 + 2 * pad,
        rx: 2,
        class: `box band-${confidenceBand(f.confidence, threshold)}`,
        'data-key': f.key,
      });
      const title = svg('title');
      title.textContent = labelFor(f.key);
      rect.append(title);
      rect.addEventListener('click', () => onPick(f.key));
      overlay.append(rect);
      rects.set(f.key, rect);
    }
    const figure = h('figure', { class: 'page', 'data-page': page }, note, overlay, h('figcaption', {}, `Page ${page}`));
    frames.set(page, { figure, overlay, note });
    element.append(figure);
  }
  if (pageCount === 0) element.append(h('p', { class: 'muted' }, 'This document has no pages to show.'));

  let selected: SVGRectElement | null = null;
  const reveal = () => selected?.scrollIntoView({ block: 'center', inline: 'nearest', behavior: 'auto' });
  return {
    element,
    select(key) {
      selected?.classList.remove('selected');
      selected = key ? (rects.get(key) ?? null) : null;
      if (!selected) return;
      selected.classList.add('selected');
      // Bring the evidence into view without stealing focus from the field.
      reveal();
    },
    setImage(page, image) {
      const frame = frames.get(page);
      if (!frame) return;
      if ('error' in image) {
        frame.note.textContent = `Page ${page}: image unavailable (${image.error}). Boxes are drawn on a blank page.`;
        frame.note.classList.add('page-missing');
        return;
      }
      const size = image.widthPt > 0 && image.heightPt > 0 ? image : LETTER_PT;
      frame.overlay.setAttribute('viewBox', `0 0 ${size.widthPt} ${size.heightPt}`);
      frame.overlay.classList.remove('boxes-standalone');
      frame.note.replaceWith(h('img', { src: image.url, alt: `Page ${page} of the original document`, draggable: 'false' }));
      // Any page arriving can move the selected box: keep it in view.
      if (selected) reveal();
    },
  };
}

export function disposePages(element: HTMLElement): void {
  element.querySelectorAll('img').forEach((img) => {
    if (img.src.startsWith('blob:')) URL.revokeObjectURL(img.src);
  });
  clear(element);
}
