/* gleaner-window.h: the main window (paste, run, watch, sort, filter, copy, export)
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "gleaner-exporter.h"

G_BEGIN_DECLS

#define GLEANER_TYPE_WINDOW (gleaner_window_get_type ())

G_DECLARE_FINAL_TYPE (GleanerWindow, gleaner_window, GLEANER, WINDOW, AdwApplicationWindow)

GleanerWindow     *gleaner_window_new               (GtkApplication       *application);
void               gleaner_window_add_text          (GleanerWindow        *self,
                                                     const char           *text,
                                                     gssize                len);
void               gleaner_window_open_files        (GleanerWindow        *self,
                                                     GFile               **files,
                                                     guint                 n_files);
gboolean           gleaner_window_get_parsing       (GleanerWindow        *self);
gboolean           gleaner_window_get_running       (GleanerWindow        *self);
guint              gleaner_window_get_n_queued      (GleanerWindow        *self);
GListModel        *gleaner_window_get_results       (GleanerWindow        *self);
GListModel        *gleaner_window_get_visible_rows  (GleanerWindow        *self);
gboolean           gleaner_window_get_view_pending  (GleanerWindow        *self);
GtkSelectionModel *gleaner_window_get_selection     (GleanerWindow        *self);
void               gleaner_window_set_filter_text   (GleanerWindow        *self,
                                                     const char           *text);
const char        *gleaner_window_get_outcome       (GleanerWindow        *self);
void               gleaner_window_set_outcome       (GleanerWindow        *self,
                                                     const char           *outcome);
gboolean           gleaner_window_get_ignore_tls_errors (GleanerWindow    *self);
void               gleaner_window_set_ignore_tls_errors (GleanerWindow    *self,
                                                     gboolean              ignore_tls_errors);
gboolean           gleaner_window_sort_by_column    (GleanerWindow        *self,
                                                     const char           *column_id,
                                                     GtkSortType           order);
gboolean           gleaner_window_export_chosen     (GleanerWindow        *self,
                                                     GFile                *chosen,
                                                     GleanerFormat         format);
void               gleaner_window_export_async      (GleanerWindow        *self,
                                                     GFile                *file,
                                                     GleanerFormat         format,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
GFile             *gleaner_window_export_finish     (GleanerWindow        *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);
gboolean           gleaner_window_get_is_empty      (GleanerWindow        *self);
gint64             gleaner_window_get_session_id    (GleanerWindow        *self);
void               gleaner_window_load_session      (GleanerWindow        *self,
                                                     gint64                session_id);
gboolean           gleaner_window_get_loading       (GleanerWindow        *self);
gboolean           gleaner_window_get_restore_offered (GleanerWindow      *self);
gboolean           gleaner_window_get_history_problem_shown (GleanerWindow *self);
void               gleaner_window_show_toast        (GleanerWindow        *self,
                                                     const char           *message);

G_END_DECLS
