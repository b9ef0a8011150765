/* gleaner-column-sorter.h: what a column of the results sorts on
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "gleaner-result.h"

G_BEGIN_DECLS

typedef enum
{
  GLEANER_SORT_KEY_TITLE,
  GLEANER_SORT_KEY_URL,
  GLEANER_SORT_KEY_STATUS,
  GLEANER_SORT_KEY_TIME,
  GLEANER_SORT_KEY_SIZE,
  GLEANER_SORT_KEY_ENCODING,
  GLEANER_SORT_KEY_ERROR,
} GleanerSortKey;

#define GLEANER_N_SORT_KEYS (GLEANER_SORT_KEY_ERROR + 1)

/* One level of a sort: a column's key and its direction. */
typedef struct
{
  GleanerSortKey key;
  gboolean       descending;
} GleanerSortLevel;

#define GLEANER_TYPE_COLUMN_SORTER (gleaner_column_sorter_get_type ())

G_DECLARE_FINAL_TYPE (GleanerColumnSorter, gleaner_column_sorter, GLEANER, COLUMN_SORTER, GtkSorter)

GtkSorter      *gleaner_column_sorter_new        (GleanerSortKey      key);
GleanerSortKey  gleaner_column_sorter_get_key    (GleanerColumnSorter *self);
guint           gleaner_column_sorter_read_levels (GtkSorter          *view_sorter,
                                                  GleanerSortLevel   *levels,
                                                  guint               max_levels);

gboolean        gleaner_sort_key_is_numeric      (GleanerSortKey      key);
const char     *gleaner_sort_key_get_text        (GleanerSortKey      key,
                                                  GleanerResult      *result);
double          gleaner_sort_key_get_number      (GleanerSortKey      key,
                                                  GleanerResult      *result);
char           *gleaner_sort_key_collate         (const char         *text);

G_END_DECLS
