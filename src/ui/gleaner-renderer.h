/* gleaner-renderer.h: which GSK renderer the windows use
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

gboolean    gleaner_renderer_is_software_gl (const char *gl_renderer);
const char *gleaner_renderer_choose         (GdkDisplay *display);

G_END_DECLS
