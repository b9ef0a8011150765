/* gleaner-application.h: the Gleaner application (app actions, windows, settings)
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define GLEANER_TYPE_APPLICATION (gleaner_application_get_type ())

G_DECLARE_FINAL_TYPE (GleanerApplication, gleaner_application, GLEANER, APPLICATION, AdwApplication)

GleanerApplication *gleaner_application_new          (void);
GSettings          *gleaner_application_get_settings (GleanerApplication *self);
GSettings          *gleaner_settings_new             (void);

G_END_DECLS
