/* gleaner-alert.h: a question with Cancel and one destructive answer
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

GObject *gleaner_alert_confirm (GtkWidget      *parent,
                                const char     *heading,
                                const char     *body,
                                const char     *confirm_id,
                                const char     *confirm_label,
                                GCallback       callback,
                                gpointer        user_data,
                                GDestroyNotify  notify);

G_END_DECLS
