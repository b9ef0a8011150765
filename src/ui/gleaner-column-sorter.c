/* gleaner-column-sorter.c: what a column of the results sorts on
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "gleaner-ui-enums.h"

#include "gleaner-column-sorter.h"

/* Each sortable column of the results has one of these as its sorter: the
 * column view then shows the header as clickable and keeps its own sorter
 * (the clicked column first, earlier ones as tie-breakers). The rows are not
 * sorted through GtkSorter (GleanerSortModel keeps them sorted with keys it
 * computes once per row); the column view's sorter only says which columns,
 * in which direction. Text keys are case-folded collation keys with numbers
 * compared by value (gleaner_sort_key_collate()); numbers compare as numbers. */
struct _GleanerColumnSorter
{
  GtkSorter      parent_instance;

  GleanerSortKey key;
};

G_DEFINE_FINAL_TYPE (GleanerColumnSorter, gleaner_column_sorter, GTK_TYPE_SORTER)

enum {
  PROP_0,
  PROP_KEY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* How gleaner_column_sorter_read_levels() questions the column view's sorter:
 * two plain objects carry this as qdata, and each column sorter asked to
 * compare them answers as told and notes the call. */
typedef struct
{
  GleanerSortKey seen[GLEANER_N_SORT_KEYS];
  guint          n_calls;
  guint          answer_at;   /* the call that answers "smaller"; the others "equal" */
} Probe;

static GQuark
probe_quark (void)
{
  static GQuark quark;

  if (G_UNLIKELY (quark == 0))
    quark = g_quark_from_static_string ("gleaner-sort-probe");
  return quark;
}

static int
compare_numbers (double a,
                 double b)
{
  return (a > b) - (a < b);
}

static GtkOrdering
gleaner_column_sorter_compare (GtkSorter *sorter,
                               gpointer   item1,
                               gpointer   item2)
{
  GleanerColumnSorter *self = GLEANER_COLUMN_SORTER (sorter);
  Probe *probe = g_object_get_qdata (item1, probe_quark ());
  g_autofree char *key1 = NULL;
  g_autofree char *key2 = NULL;

  if (probe != NULL)
    {
      guint call = probe->n_calls++;

      if (call < G_N_ELEMENTS (probe->seen))
        probe->seen[call] = self->key;
      return call == probe->answer_at ? GTK_ORDERING_SMALLER : GTK_ORDERING_EQUAL;
    }

  if (gleaner_sort_key_is_numeric (self->key))
    return gtk_ordering_from_cmpfunc (compare_numbers (gleaner_sort_key_get_number (self->key, item1),
                                                       gleaner_sort_key_get_number (self->key, item2)));

  key1 = gleaner_sort_key_collate (gleaner_sort_key_get_text (self->key, item1));
  key2 = gleaner_sort_key_collate (gleaner_sort_key_get_text (self->key, item2));
  return gtk_ordering_from_cmpfunc (g_strcmp0 (key1, key2));
}

static GtkSorterOrder
gleaner_column_sorter_get_order (GtkSorter *sorter)
{
  return GTK_SORTER_ORDER_PARTIAL;
}

static void
gleaner_column_sorter_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  GleanerColumnSorter *self = GLEANER_COLUMN_SORTER (object);

  switch (prop_id)
    {
    case PROP_KEY:
      g_value_set_enum (value, self->key);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gleaner_column_sorter_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  GleanerColumnSorter *self = GLEANER_COLUMN_SORTER (object);

  switch (prop_id)
    {
    case PROP_KEY:
      self->key = g_value_get_enum (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gleaner_column_sorter_class_init (GleanerColumnSorterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkSorterClass *sorter_class = GTK_SORTER_CLASS (klass);

  object_class->get_property = gleaner_column_sorter_get_property;
  object_class->set_property = gleaner_column_sorter_set_property;
  sorter_class->compare = gleaner_column_sorter_compare;
  sorter_class->get_order = gleaner_column_sorter_get_order;

  properties[PROP_KEY] = g_param_spec_enum ("key", NULL, NULL,
                                            GLEANER_TYPE_SORT_KEY, GLEANER_SORT_KEY_TITLE,
                                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                            G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gleaner_column_sorter_init (GleanerColumnSorter *self)
{
}

GtkSorter *
gleaner_column_sorter_new (GleanerSortKey key)
{
  return g_object_new (GLEANER_TYPE_COLUMN_SORTER, "key", key, NULL);
}

GleanerSortKey
gleaner_column_sorter_get_key (GleanerColumnSorter *self)
{
  g_return_val_if_fail (GLEANER_IS_COLUMN_SORTER (self), GLEANER_SORT_KEY_TITLE);

  return self->key;
}

/**
 * gleaner_column_sorter_read_levels:
 * @view_sorter: a column view's sorter, whose columns have column sorters
 * @levels: (out caller-allocates) (array length=max_levels): filled with the
 *   sort levels, the primary one first
 * @max_levels: room in @levels
 *
 * Tells which columns @view_sorter sorts by and in which direction. GTK 4.8
 * has no API for it (gtk_column_view_sorter_get_nth_sort_column() is 4.10):
 * @view_sorter is asked to compare two probes. It consults its columns'
 * sorters in order, primary first, inverting the answer of a descending one,
 * and stops at the first that does not answer "equal". A first round where
 * every column answers "equal" gives the order of the columns; then one round
 * per column, where only that column answers "smaller", gives its direction.
 *
 * Returns: the number of levels; 0 when the view is not sorted
 */
guint
gleaner_column_sorter_read_levels (GtkSorter        *view_sorter,
                                   GleanerSortLevel *levels,
                                   guint             max_levels)
{
  g_autoptr(GObject) first = NULL;
  g_autoptr(GObject) second = NULL;
  Probe probe = { { 0, }, 0, G_MAXUINT };
  guint n;

  g_return_val_if_fail (GTK_IS_SORTER (view_sorter), 0);
  g_return_val_if_fail (levels != NULL || max_levels == 0, 0);

  first = g_object_new (G_TYPE_OBJECT, NULL);
  second = g_object_new (G_TYPE_OBJECT, NULL);
  g_object_set_qdata (first, probe_quark (), &probe);
  g_object_set_qdata (second, probe_quark (), &probe);

  gtk_sorter_compare (view_sorter, first, second);
  n = MIN (MIN (probe.n_calls, max_levels), G_N_ELEMENTS (probe.seen));

  for (guint i = 0; i < n; i++)
    {
      GtkOrdering answer;

      probe.n_calls = 0;
      probe.answer_at = i;
      answer = gtk_sorter_compare (view_sorter, first, second);
      levels[i].key = probe.seen[i];
      levels[i].descending = answer == GTK_ORDERING_LARGER;
    }

  return n;
}

gboolean
gleaner_sort_key_is_numeric (GleanerSortKey key)
{
  return key == GLEANER_SORT_KEY_STATUS ||
         key == GLEANER_SORT_KEY_TIME ||
         key == GLEANER_SORT_KEY_SIZE;
}

/**
 * gleaner_sort_key_get_text:
 * @key: a key that is not numeric
 *
 * Returns: (transfer none): the text @result sorts on, never %NULL
 */
const char *
gleaner_sort_key_get_text (GleanerSortKey  key,
                           GleanerResult  *result)
{
  const char *text = NULL;

  switch (key)
    {
    case GLEANER_SORT_KEY_TITLE:
      text = gleaner_result_get_title (result);
      break;
    case GLEANER_SORT_KEY_URL:
      text = gleaner_result_get_display_url (result);
      break;
    case GLEANER_SORT_KEY_ENCODING:
      text = gleaner_result_get_encoding (result);
      break;
    case GLEANER_SORT_KEY_ERROR:
      /* What the column shows: the message, else the kind's label. */
      if (!gleaner_result_get_succeeded (result))
        {
          text = gleaner_result_get_error_message (result);
          if (text == NULL)
            text = gleaner_error_kind_get_label (gleaner_result_get_error_kind (result));
        }
      break;
    case GLEANER_SORT_KEY_STATUS:
    case GLEANER_SORT_KEY_TIME:
    case GLEANER_SORT_KEY_SIZE:
    default:
      g_assert_not_reached ();
    }

  return text != NULL ? text : "";
}

double
gleaner_sort_key_get_number (GleanerSortKey  key,
                             GleanerResult  *result)
{
  switch (key)
    {
    case GLEANER_SORT_KEY_STATUS:
      return gleaner_result_get_status (result);
    case GLEANER_SORT_KEY_TIME:
      return gleaner_result_get_elapsed (result);
    case GLEANER_SORT_KEY_SIZE:
      return (double)gleaner_result_get_body_bytes (result);
    case GLEANER_SORT_KEY_TITLE:
    case GLEANER_SORT_KEY_URL:
    case GLEANER_SORT_KEY_ENCODING:
    case GLEANER_SORT_KEY_ERROR:
    default:
      g_assert_not_reached ();
      return 0.0;
    }
}

/**
 * gleaner_sort_key_collate:
 * @text: a text to sort on
 *
 * A collation key of @text, case-folded first: keys compare with strcmp()
 * as the texts collate, numbers in them by value ("Page 9" before "Page 10",
 * as a file manager sorts names), which suits titles and URLs alike.
 *
 * Returns: (transfer full) (nullable): the key; %NULL for the empty text,
 *   which sorts before every other
 */
char *
gleaner_sort_key_collate (const char *text)
{
  g_autofree char *folded = NULL;

  if (text == NULL || text[0] == '\0')
    return NULL;

  folded = g_utf8_casefold (text, -1);
  return g_utf8_collate_key_for_filename (folded, -1);
}
