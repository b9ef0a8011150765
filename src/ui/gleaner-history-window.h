/* gleaner-history-window.h: the journaled sessions, to reopen or delete
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "gleaner-application.h"

G_BEGIN_DECLS

#define GLEANER_TYPE_HISTORY_WINDOW (gleaner_history_window_get_type ())

G_DECLARE_FINAL_TYPE (GleanerHistoryWindow, gleaner_history_window, GLEANER, HISTORY_WINDOW, AdwWindow)

GtkWidget  *gleaner_history_window_present        (GleanerApplication   *application,
                                                   GtkWindow            *parent);
void        gleaner_history_window_refresh        (GleanerHistoryWindow *self);
gboolean    gleaner_history_window_get_busy       (GleanerHistoryWindow *self);
GListModel *gleaner_history_window_get_sessions   (GleanerHistoryWindow *self);
guint       gleaner_history_window_get_n_shown    (GleanerHistoryWindow *self);
void        gleaner_history_window_open_session   (GleanerHistoryWindow *self,
                                                   gint64                session_id);
void        gleaner_history_window_delete_session (GleanerHistoryWindow *self,
                                                   gint64                session_id);

G_END_DECLS
