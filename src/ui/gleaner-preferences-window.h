/* gleaner-preferences-window.h: preferences, backed by GSettings
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define GLEANER_TYPE_PREFERENCES_WINDOW (gleaner_preferences_window_get_type ())

/* AdwPreferencesWindow is deprecated from libadwaita 1.6 on. */
#if ADW_CHECK_VERSION (1, 6, 0)
G_DECLARE_FINAL_TYPE (GleanerPreferencesWindow, gleaner_preferences_window, GLEANER, PREFERENCES_WINDOW, AdwPreferencesDialog)
#else
G_DECLARE_FINAL_TYPE (GleanerPreferencesWindow, gleaner_preferences_window, GLEANER, PREFERENCES_WINDOW, AdwPreferencesWindow)
#endif

GleanerPreferencesWindow *gleaner_preferences_window_new     (GSettings *settings);
GleanerPreferencesWindow *gleaner_preferences_window_present (GSettings *settings,
                                                              GtkWindow *parent);

G_END_DECLS
