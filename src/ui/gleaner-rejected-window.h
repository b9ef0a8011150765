/* gleaner-rejected-window.h: the lines of the input that held no usable link, and why
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define GLEANER_TYPE_REJECTED_WINDOW (gleaner_rejected_window_get_type ())

G_DECLARE_FINAL_TYPE (GleanerRejectedWindow, gleaner_rejected_window, GLEANER, REJECTED_WINDOW, AdwWindow)

GtkWidget *gleaner_rejected_window_new             (void);
void       gleaner_rejected_window_set_rejections  (GleanerRejectedWindow *self,
                                                    GPtrArray             *rejections,
                                                    guint64                n_rejected);
guint      gleaner_rejected_window_get_n_shown     (GleanerRejectedWindow *self);
GtkWidget *gleaner_rejected_window_present         (GtkWindow             *parent,
                                                    GPtrArray             *rejections,
                                                    guint64                n_rejected);

G_END_DECLS
