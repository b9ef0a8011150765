/* gleaner-application.h: the Gleaner application (app actions, windows, settings, history)
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "gleaner-session-store.h"

G_BEGIN_DECLS

#define GLEANER_TYPE_APPLICATION (gleaner_application_get_type ())

G_DECLARE_FINAL_TYPE (GleanerApplication, gleaner_application, GLEANER, APPLICATION, AdwApplication)

GleanerApplication  *gleaner_application_new                    (void);
GSettings           *gleaner_application_get_settings           (GleanerApplication *self);
GSettings           *gleaner_settings_new                       (void);
GleanerSessionStore *gleaner_application_get_session_store      (GleanerApplication *self);
gboolean             gleaner_application_get_store_ready        (GleanerApplication *self);
const GError        *gleaner_application_get_store_error        (GleanerApplication *self);
GleanerSessionInfo  *gleaner_application_get_unfinished_session (GleanerApplication *self);
void                 gleaner_application_restore_unfinished     (GleanerApplication *self,
                                                                 GtkWindow          *window);
void                 gleaner_application_discard_unfinished     (GleanerApplication *self);
void                 gleaner_application_open_session           (GleanerApplication *self,
                                                                 gint64              session_id,
                                                                 GtkWindow          *preferred);
gboolean             gleaner_application_is_session_open        (GleanerApplication *self,
                                                                 gint64              session_id);
void                 gleaner_application_session_deleted        (GleanerApplication *self,
                                                                 gint64              session_id);
void                 gleaner_application_reset_history          (GleanerApplication *self);

G_END_DECLS
