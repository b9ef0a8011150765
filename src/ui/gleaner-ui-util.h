/* gleaner-ui-util.h: small pure helpers of the window (display text, copy text, export names)
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "gleaner-exporter.h"

G_BEGIN_DECLS

typedef enum
{
  GLEANER_COPY_TITLES_AND_URLS,  /* "title<TAB>url" lines */
  GLEANER_COPY_MARKDOWN,         /* the engine's Markdown writer */
  GLEANER_COPY_URLS,             /* bare URLs, one a line */
} GleanerCopyKind;

char          *gleaner_ui_format_count        (guint64        n);
char          *gleaner_ui_format_elapsed      (double         seconds);
char          *gleaner_ui_format_duration     (double         seconds);
char          *gleaner_ui_format_time_left    (double         seconds);
char          *gleaner_ui_rows_to_text        (GPtrArray     *results,
                                               GleanerCopyKind kind);
gboolean       gleaner_ui_format_for_name     (const char    *basename,
                                               GleanerFormat *format);
GFile         *gleaner_ui_resolve_export_file (GFile         *chosen,
                                               GleanerFormat  chosen_format,
                                               GleanerFormat *format);
char          *gleaner_ui_session_title       (const char * const *urls,
                                               gsize          n_urls);
char          *gleaner_ui_format_date         (gint64         time_us);
GFile         *gleaner_ui_export_folder_to_offer (GFile       *written);
void           gleaner_ui_release_free_memory (void);
gint64         gleaner_ui_thread_cpu_time_us  (void);

/* GSettings access that tolerates a missing schema (@settings NULL) or key,
 * and numbers stored as any of the integer or double types. */
gboolean       gleaner_ui_settings_has_key    (GSettings     *settings,
                                               const char    *key);
double         gleaner_ui_settings_get_number (GSettings     *settings,
                                               const char    *key,
                                               double         fallback);
void           gleaner_ui_settings_set_number (GSettings     *settings,
                                               const char    *key,
                                               double         value);

G_END_DECLS
