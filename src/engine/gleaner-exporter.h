/* gleaner-exporter.h: streaming writers for every export format, and atomic file export
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "gleaner-types.h"

G_BEGIN_DECLS

/**
 * GleanerFormat:
 * @GLEANER_FORMAT_TITLES: one title per line
 * @GLEANER_FORMAT_TSV: tab-separated, header row, URL first
 * @GLEANER_FORMAT_CSV: RFC 4180, UTF-8, header row, formula cells neutralised
 * @GLEANER_FORMAT_JSON: one JSON array of objects
 * @GLEANER_FORMAT_JSONL: one JSON object per line
 * @GLEANER_FORMAT_MARKDOWN: `- [title](url)` lines
 * @GLEANER_FORMAT_HTML: an HTML document with a list of links
 * @GLEANER_FORMAT_ORG: Org mode `- [[url][title]]` lines
 */
typedef enum
{
  GLEANER_FORMAT_TITLES,
  GLEANER_FORMAT_TSV,
  GLEANER_FORMAT_CSV,
  GLEANER_FORMAT_JSON,
  GLEANER_FORMAT_JSONL,
  GLEANER_FORMAT_MARKDOWN,
  GLEANER_FORMAT_HTML,
  GLEANER_FORMAT_ORG,
} GleanerFormat;

#define GLEANER_N_FORMATS (GLEANER_FORMAT_ORG + 1)

/* Format names: "titles", "tsv", "csv", "json", "jsonl", "markdown", "html", "org". */
gboolean       gleaner_format_from_string      (const char     *name,
                                                GleanerFormat  *format);
const char    *gleaner_format_to_string        (GleanerFormat   format);
const char    *gleaner_format_get_extension    (GleanerFormat   format);   /* "txt", "tsv", ... */
const char    *gleaner_format_get_mime_type    (GleanerFormat   format);
const char    *gleaner_format_get_label        (GleanerFormat   format);   /* translated */
/* By the extension of @filename ("links.CSV" -> csv; also md, htm, ndjson, ...). */
gboolean       gleaner_format_from_filename    (const char     *filename,
                                                GleanerFormat  *format);
/* The column names tsv, csv, json and jsonl use for @fields, in order. */
char         **gleaner_export_get_columns      (GleanerFields   fields);

/* A writer streams rows to a GOutputStream it does not own the thread of: use it
 * from one thread at a time. It buffers internally and writes in large blocks.
 * @fields selects the optional page-fact columns (GLEANER_FIELD_TITLE is always
 * present). Columns, in this order: url, final_url, status, title, [facts...],
 * redirects, content_type, encoding, encoding_source, bytes, elapsed_ms,
 * error_kind, error.
 * Errors of a stream writer are the stream's own (G_IO_ERROR, so a CLI can tell
 * G_IO_ERROR_BROKEN_PIPE); the first error is sticky. */
GleanerWriter *gleaner_writer_new              (GleanerFormat   format,
                                                GleanerFields   fields,
                                                GOutputStream  *stream);
/* A writer that replaces @file atomically: rows go to a temporary file beside it,
 * gleaner_writer_finish() syncs it and renames it over @file; freeing the writer
 * before a successful finish removes the temporary file and leaves @file as it
 * was. Errors: GLEANER_ERROR_WRITE naming the file (G_IO_ERROR_CANCELLED when
 * @cancellable was cancelled). Memory does not grow with the number of rows. */
GleanerWriter *gleaner_writer_new_for_file     (GleanerFormat   format,
                                                GleanerFields   fields,
                                                GFile          *file,
                                                GCancellable   *cancellable,
                                                GError        **error);
void           gleaner_writer_free             (GleanerWriter  *self);
gboolean       gleaner_writer_write            (GleanerWriter  *self,
                                                GleanerResult  *result,
                                                GCancellable   *cancellable,
                                                GError        **error);
/* Writes what is buffered now (e.g. after each batch when the output is a terminal
 * or a pipe somebody reads) and flushes the stream. */
gboolean       gleaner_writer_flush            (GleanerWriter  *self,
                                                GCancellable   *cancellable,
                                                GError        **error);
/* Writes any footer (closing bracket, </html>) and flushes. Does not close the stream.
 * A file writer commits here (sync, rename over the target). */
gboolean       gleaner_writer_finish           (GleanerWriter  *self,
                                                GCancellable   *cancellable,
                                                GError        **error);
guint64        gleaner_writer_get_n_rows       (GleanerWriter  *self);

/**
 * gleaner_export_to_file:
 * @results: (element-type GleanerResult): the rows, in order
 *
 * Writes @results to @file atomically: a temporary file beside it, synced, then
 * renamed over the target. On failure the earlier file is left as it was and
 * @error (%GLEANER_ERROR_WRITE) says why. May run on any thread as long as
 * nobody changes @results meanwhile.
 */
gboolean       gleaner_export_to_file          (GFile          *file,
                                                GleanerFormat   format,
                                                GleanerFields   fields,
                                                GPtrArray      *results,
                                                GCancellable   *cancellable,
                                                GError        **error);
/* The same in a worker thread (GTask); @results is referenced, not copied. */
void           gleaner_export_to_file_async    (GFile               *file,
                                                GleanerFormat        format,
                                                GleanerFields        fields,
                                                GPtrArray           *results,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
gboolean       gleaner_export_to_file_finish   (GAsyncResult        *result,
                                                GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GleanerWriter, gleaner_writer_free)

G_END_DECLS
