import { MAX_TEXT_CHARS } from '../../core/text/limits';

/**
 * A field or line past this cannot hold a legal example even after JSON escaping, so parsing stops
 * there instead of scanning and copying the rest of a giant line. Well above MAX_TEXT_CHARS so that
 * ordinary files still get their problems reported in the usual order (empty rows first).
 */
export const MAX_LINE_CHARS = MAX_TEXT_CHARS * 10;
