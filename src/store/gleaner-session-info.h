/* gleaner-session-info.h: what the history list shows about one journaled session
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define GLEANER_TYPE_SESSION_INFO (gleaner_session_info_get_type ())

G_DECLARE_FINAL_TYPE (GleanerSessionInfo, gleaner_session_info, GLEANER, SESSION_INFO, GObject)

/* Immutable once made (by a store's reader thread), so every getter may be
 * called from any thread. A GObject rather than a boxed struct so that
 * gleaner_session_store_list_sessions_finish() can hand the window a
 * GListModel it binds directly. Times are wall-clock microseconds since the
 * Unix epoch (g_get_real_time()). */

GleanerSessionInfo *gleaner_session_info_new           (gint64              id,
                                                        const char         *title,
                                                        gint64              created,
                                                        gint64              updated,
                                                        guint64             n_targets,
                                                        guint64             n_results,
                                                        guint64             n_failed,
                                                        guint64             n_missing,
                                                        gboolean            finished);
gint64              gleaner_session_info_get_id        (GleanerSessionInfo *self);
const char         *gleaner_session_info_get_title     (GleanerSessionInfo *self);
gint64              gleaner_session_info_get_created   (GleanerSessionInfo *self);
gint64              gleaner_session_info_get_updated   (GleanerSessionInfo *self);
guint64             gleaner_session_info_get_n_targets (GleanerSessionInfo *self);
guint64             gleaner_session_info_get_n_results (GleanerSessionInfo *self);
guint64             gleaner_session_info_get_n_failed  (GleanerSessionInfo *self);
guint64             gleaner_session_info_get_n_missing (GleanerSessionInfo *self);
gboolean            gleaner_session_info_get_finished  (GleanerSessionInfo *self);

G_END_DECLS
