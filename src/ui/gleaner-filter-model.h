/* gleaner-filter-model.h: the rows the filter lets through, changed so the view keeps its widgets
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define GLEANER_TYPE_FILTER_MODEL (gleaner_filter_model_get_type ())

G_DECLARE_FINAL_TYPE (GleanerFilterModel, gleaner_filter_model, GLEANER, FILTER_MODEL, GObject)

/* Whether @item is shown. Called on the main thread only, often: keep it cheap. */
typedef gboolean (*GleanerFilterModelFunc) (gpointer item,
                                            gpointer user_data);

GleanerFilterModel *gleaner_filter_model_new         (GListModel             *source);
void                gleaner_filter_model_set_func    (GleanerFilterModel     *self,
                                                      GleanerFilterModelFunc  func,
                                                      gpointer                user_data,
                                                      GtkFilterChange         change);
gboolean            gleaner_filter_model_get_pending (GleanerFilterModel     *self);
void                gleaner_filter_model_flush       (GleanerFilterModel     *self);

G_END_DECLS
