/* gleaner-sort-model.h: the result list as the view sorts it, kept sorted batch by batch
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "gleaner-column-sorter.h"
#include "gleaner-result-list.h"

G_BEGIN_DECLS

#define GLEANER_TYPE_SORT_MODEL (gleaner_sort_model_get_type ())

G_DECLARE_FINAL_TYPE (GleanerSortModel, gleaner_sort_model, GLEANER, SORT_MODEL, GObject)

GleanerSortModel *gleaner_sort_model_new         (GleanerResultList      *source);
void              gleaner_sort_model_set_levels  (GleanerSortModel       *self,
                                                  const GleanerSortLevel *levels,
                                                  guint                   n_levels);
gboolean          gleaner_sort_model_get_pending (GleanerSortModel       *self);

G_END_DECLS
