/* gleaner-sort-model.c: the result list as the view sorts it, kept sorted batch by batch
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "gleaner-sort-model.h"
#include "gleaner-ui-util.h"

/* GtkSortListModel (GTK 4.8) answers every insertion with a re-sort that
 * announces nearly the whole list as changed, so rows streaming into a sorted
 * view made the list view rebuild itself several times a second. This model
 * keeps the rows sorted itself:
 *
 * - Each row's sort keys are computed once (a collation key for text, a number
 *   otherwise), in arrays indexed by the row's position in the source, and
 *   only for the columns the view sorts by. Ties keep arrival order, as
 *   GtkSortListModel's stable sort did.
 * - A delivered batch is sorted on its own and merged in: one items-changed
 *   per run of rows that land next to each other, each describing the list as
 *   it is at that moment, so the list view shifts its rows instead of
 *   rebuilding them.
 * - A new sort order (a click on a column header) is computed in time slices
 *   on idle; the old order stays on screen until one items-changed swaps the
 *   whole list.
 *
 * It also paces rows into the view. GTK 4.8's list view builds a row of
 * widgets, synchronously in items-changed, for every row that lands among the
 * ~200 it keeps around the visible ones (about a third of a millisecond each,
 * as much again in the next frame), and next to nothing for the others. So
 * arriving rows are taken in a slice at a time: as many as fit in
 * PACE_BUDGET_US at the cost per row of the last slices. After a slice that
 * built rows the next waits a frame (the frame lays out and draws them, at
 * about twice the cost), after a cheap one it follows on idle. A fresh view
 * thus builds its first page over a few frames, and a batch that lands past
 * the shown rows goes in at once.
 *
 * The source only ever appends rows, replaces rows in place (same count) or
 * empties itself (GleanerResultList); anything else is answered with a full
 * re-sort. Main thread only, like every GListModel. */

/* The longest a slice of re-sorting holds the main loop. */
#define RESORT_SLICE_US  4000
/* About how long taking in a slice of new rows may hold the main loop, and
 * what a row costs until measured (an empty view builds one per row). */
#define PACE_BUDGET_US   4000
#define PACE_INTERVAL_MS 16
#define FIRST_ROW_US     400.0
#define MIN_PACE_ROWS    4
/* Sorted rows land anywhere: a slice of k rows into n puts about k * 200 / n
 * of them among the rows the view builds, if they spread. At most
 * n / SORTED_SLICE_DIVISOR rows a slice keeps that to a few. */
#define SORTED_SLICE_DIVISOR 25
/* ...and a sorted slice goes in this many rows at a time, checking the time. */
#define SORTED_STEP_ROWS 8

typedef struct
{
  char       **text;      /* collation keys, NULL for the empty text */
  double      *number;
  GHashTable  *shared;    /* text -> its key, for keys with few distinct texts
                           * (encoding, error): rows share the key */
  guint        n_keyed;   /* keys are known for source rows [0, n_keyed) */
  gboolean     in_use;
} KeyColumn;

/* A re-sort in progress: keys for every row the job covers, then a bottom-up
 * merge sort, both a slice at a time. */
typedef struct
{
  guint    n;        /* the job sorts source rows [0, n) */
  guint32 *runs;     /* sorted runs of @width rows (before the first pass: unsorted) */
  guint32 *merged;   /* where the pass merges to */
  guint    width;    /* 0 while keys are being computed */
  guint    pos;      /* next pair of runs to merge in this pass */
  GArray  *dirty;    /* rows replaced while sorting: their keys changed after the fact */
} Resort;

struct _GleanerSortModel
{
  GObject            parent_instance;

  /* Owned */
  GleanerResultList *source;
  guint32           *order;      /* source positions, sorted; see visible_row() */
  guint32           *scratch;    /* merge buffer, @capacity rows */
  KeyColumn          keys[GLEANER_N_SORT_KEYS];
  Resort            *resort;

  GleanerSortLevel   levels[GLEANER_N_SORT_KEYS];
  guint              n_levels;
  guint              capacity;    /* of @order, @scratch and the key arrays */
  guint              resort_source;
  guint              pace_source;
  double             us_per_row;  /* what taking in a row cost lately */

  /* What the model shows. With @passthrough, the first @n_taken rows of the
   * source as they are (unsorted, or being sorted for the first time).
   * Otherwise order[0, front), then order[tail, end) (apart only while a
   * batch is merged in), then the @n_unsorted rows taken in during a
   * re-sort, in arrival order. Source rows after those wait to be taken in. */
  gboolean           passthrough;
  guint              front;
  guint              tail;
  guint              end;
  guint              n_taken;     /* source rows shown (passthrough) or in @order */
  guint              n_unsorted;
};

static GType
gleaner_sort_model_get_item_type (GListModel *model)
{
  return GLEANER_TYPE_RESULT;
}

static guint
n_visible (GleanerSortModel *self)
{
  if (self->passthrough)
    return self->n_taken;

  return self->front + (self->end - self->tail) + self->n_unsorted;
}

/* The first source row not shown yet. */
static guint
first_waiting (GleanerSortModel *self)
{
  return self->passthrough ? self->n_taken : self->n_taken + self->n_unsorted;
}

static guint
gleaner_sort_model_get_n_items (GListModel *model)
{
  return n_visible (GLEANER_SORT_MODEL (model));
}

/* The source position shown at @position, or G_MAXUINT. */
static guint
visible_row (GleanerSortModel *self,
             guint             position)
{
  if (self->passthrough)
    return position;
  if (position < self->front)
    return self->order[position];

  position = self->tail + (position - self->front);
  if (position < self->end)
    return self->order[position];

  position -= self->end;
  if (position < self->n_unsorted)
    return self->n_taken + position;

  return G_MAXUINT;
}

static gpointer
gleaner_sort_model_get_item (GListModel *model,
                             guint       position)
{
  GleanerSortModel *self = GLEANER_SORT_MODEL (model);
  guint row = position < n_visible (self) ? visible_row (self, position) : G_MAXUINT;

  if (row == G_MAXUINT)
    return NULL;

  return g_list_model_get_item (G_LIST_MODEL (self->source), row);
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = gleaner_sort_model_get_item_type;
  iface->get_n_items = gleaner_sort_model_get_n_items;
  iface->get_item = gleaner_sort_model_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (GleanerSortModel, gleaner_sort_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

/* Keys */

static gboolean
key_is_shared (GleanerSortKey key)
{
  return key == GLEANER_SORT_KEY_ENCODING || key == GLEANER_SORT_KEY_ERROR;
}

static void
key_column_clear (KeyColumn *column)
{
  if (column->text != NULL && column->shared == NULL)
    for (guint i = 0; i < column->n_keyed; i++)
      g_free (column->text[i]);
  g_clear_pointer (&column->text, g_free);
  g_clear_pointer (&column->number, g_free);
  g_clear_pointer (&column->shared, g_hash_table_unref);
  column->n_keyed = 0;
  column->in_use = FALSE;
}

static void
key_column_init (GleanerSortModel *self,
                 GleanerSortKey    key)
{
  KeyColumn *column = &self->keys[key];

  if (column->in_use)
    return;

  column->in_use = TRUE;
  column->n_keyed = 0;
  if (gleaner_sort_key_is_numeric (key))
    column->number = g_new (double, MAX (self->capacity, 1));
  else
    column->text = g_new (char *, MAX (self->capacity, 1));
  if (key_is_shared (key))
    column->shared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
ensure_capacity (GleanerSortModel *self,
                 guint             n)
{
  guint capacity = MAX (self->capacity, 1024);

  if (n <= self->capacity)
    return;

  while (capacity < n)
    capacity *= 2;

  self->order = g_renew (guint32, self->order, capacity);
  self->scratch = g_renew (guint32, self->scratch, capacity);
  for (guint k = 0; k < GLEANER_N_SORT_KEYS; k++)
    {
      if (self->keys[k].text != NULL)
        self->keys[k].text = g_renew (char *, self->keys[k].text, capacity);
      if (self->keys[k].number != NULL)
        self->keys[k].number = g_renew (double, self->keys[k].number, capacity);
    }
  self->capacity = capacity;
}

static char *
shared_key (KeyColumn  *column,
            const char *text)
{
  char *key;

  if (text[0] == '\0')
    return NULL;

  key = g_hash_table_lookup (column->shared, text);
  if (key == NULL)
    {
      key = gleaner_sort_key_collate (text);
      g_hash_table_insert (column->shared, g_strdup (text), key);
    }

  return key;
}

/* Sets the key of @row, which has one already when @replace. */
static void
compute_key (GleanerSortModel *self,
             GleanerSortKey    key,
             guint             row,
             gboolean          replace)
{
  KeyColumn *column = &self->keys[key];
  GleanerResult *result = gleaner_result_list_peek (self->source, row);

  if (column->number != NULL)
    {
      column->number[row] = gleaner_sort_key_get_number (key, result);
      return;
    }

  if (column->shared != NULL)
    {
      column->text[row] = shared_key (column, gleaner_sort_key_get_text (key, result));
      return;
    }

  if (replace)
    g_free (column->text[row]);
  column->text[row] = gleaner_sort_key_collate (gleaner_sort_key_get_text (key, result));
}

/* Keys for rows [n_keyed, n) of every sorted column. */
static void
compute_new_keys (GleanerSortModel *self,
                  guint             n)
{
  ensure_capacity (self, n);
  for (guint l = 0; l < self->n_levels; l++)
    {
      KeyColumn *column = &self->keys[self->levels[l].key];

      for (; column->n_keyed < n; column->n_keyed++)
        compute_key (self, self->levels[l].key, column->n_keyed, FALSE);
    }
}

/* Keys of rows [first, first + n) anew (they were replaced), where known. */
static void
recompute_keys (GleanerSortModel *self,
                guint             first,
                guint             n)
{
  for (guint l = 0; l < self->n_levels; l++)
    {
      GleanerSortKey key = self->levels[l].key;
      guint last = MIN (first + n, self->keys[key].n_keyed);

      for (guint row = first; row < last; row++)
        compute_key (self, key, row, TRUE);
    }
}

static inline int
compare_rows (GleanerSortModel *self,
              guint32           a,
              guint32           b)
{
  for (guint l = 0; l < self->n_levels; l++)
    {
      const KeyColumn *column = &self->keys[self->levels[l].key];
      int result;

      if (column->number != NULL)
        result = (column->number[a] > column->number[b]) - (column->number[a] < column->number[b]);
      else
        result = g_strcmp0 (column->text[a], column->text[b]);

      if (result != 0)
        return self->levels[l].descending ? -result : result;
    }

  /* Ties keep arrival order, whatever the direction. */
  return (a > b) - (a < b);
}

static int
compare_rows_cb (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  return compare_rows (user_data, *(const guint32 *)a, *(const guint32 *)b);
}

static void
sort_rows (GleanerSortModel *self,
           guint32          *rows,
           guint             n)
{
  g_qsort_with_data (rows, n, sizeof (guint32), compare_rows_cb, self);
}

/* Merges @n_rows sorted rows into order[0, n_taken), quietly. */
static void
merge_into_order (GleanerSortModel *self,
                  const guint32    *rows,
                  guint             n_rows)
{
  guint i = 0;
  guint j = 0;
  guint k = 0;

  ensure_capacity (self, self->n_taken + n_rows);
  while (i < self->n_taken && j < n_rows)
    {
      if (compare_rows (self, self->order[i], rows[j]) < 0)
        self->scratch[k++] = self->order[i++];
      else
        self->scratch[k++] = rows[j++];
    }
  while (i < self->n_taken)
    self->scratch[k++] = self->order[i++];
  while (j < n_rows)
    self->scratch[k++] = rows[j++];

  {
    guint32 *swap = self->order;

    self->order = self->scratch;
    self->scratch = swap;
  }
  self->n_taken = k;
  self->front = self->tail = self->end = k;
}

/* Re-sorting */

static void
resort_free (Resort *resort)
{
  g_free (resort->runs);
  g_free (resort->merged);
  g_clear_pointer (&resort->dirty, g_array_unref);
  g_free (resort);
}

/* Ends a re-sort without using it. Rows replaced during its merge still have
 * their old keys: with @fix_keys they get their new ones now. */
static void
drop_resort (GleanerSortModel *self,
             gboolean          fix_keys)
{
  Resort *job = g_steal_pointer (&self->resort);

  g_clear_handle_id (&self->resort_source, g_source_remove);
  if (job == NULL)
    return;

  if (fix_keys && job->dirty != NULL)
    for (guint i = 0; i < job->dirty->len; i++)
      recompute_keys (self, g_array_index (job->dirty, guint32, i), 1);
  resort_free (job);
}

static void
cancel_resort (GleanerSortModel *self)
{
  drop_resort (self, FALSE);
}

/* One slice of work; TRUE when the rows are sorted. */
static gboolean
resort_step (GleanerSortModel *self,
             gint64            deadline)
{
  Resort *job = self->resort;
  guint n_steps = 0;

  if (job->width == 0)
    {
      for (guint l = 0; l < self->n_levels; l++)
        {
          KeyColumn *column = &self->keys[self->levels[l].key];

          for (; column->n_keyed < job->n; column->n_keyed++)
            {
              compute_key (self, self->levels[l].key, column->n_keyed, FALSE);
              if (++n_steps % 256 == 0 && g_get_monotonic_time () > deadline)
                {
                  column->n_keyed++;
                  return FALSE;
                }
            }
        }

      job->runs = g_new (guint32, MAX (job->n, 1));
      job->merged = g_new (guint32, MAX (job->n, 1));
      for (guint i = 0; i < job->n; i++)
        job->runs[i] = i;
      job->width = 1;
      job->pos = 0;
    }

  while (job->width < job->n)
    {
      while (job->pos < job->n)
        {
          guint lo = job->pos;
          guint mid = MIN (lo + job->width, job->n);
          guint hi = MIN (lo + 2 * job->width, job->n);
          guint i = lo;
          guint j = mid;
          guint k = lo;

          while (i < mid && j < hi)
            {
              if (compare_rows (self, job->runs[i], job->runs[j]) < 0)
                job->merged[k++] = job->runs[i++];
              else
                job->merged[k++] = job->runs[j++];
            }
          memcpy (job->merged + k, job->runs + i, (mid - i) * sizeof (guint32));
          k += mid - i;
          memcpy (job->merged + k, job->runs + j, (hi - j) * sizeof (guint32));

          job->pos = hi;
          n_steps += hi - lo;
          if (n_steps >= 4096 && job->pos < job->n && g_get_monotonic_time () > deadline)
            return FALSE;
          if (n_steps >= 4096)
            n_steps = 0;
        }

      {
        guint32 *swap = job->runs;

        job->runs = job->merged;
        job->merged = swap;
      }
      job->width *= 2;
      job->pos = 0;
      if (job->width < job->n && g_get_monotonic_time () > deadline)
        return FALSE;
    }

  return TRUE;
}

/* Takes @rows (source positions, any order, repeats allowed) out of order[0, n_taken),
 * gives them their keys anew and merges them back in, quietly. */
static void
reinsert_rows (GleanerSortModel *self,
               const guint32    *rows,
               guint             n_rows)
{
  g_autofree guint8 *marked = g_new0 (guint8, MAX (self->n_taken, 1));
  g_autofree guint32 *moved = NULL;
  guint n_moved = 0;
  guint k = 0;

  for (guint i = 0; i < n_rows; i++)
    if (rows[i] < self->n_taken)
      marked[rows[i]] = 1;

  for (guint i = 0; i < self->n_taken; i++)
    {
      guint32 row = self->order[i];

      if (!marked[row])
        self->order[k++] = row;
    }

  moved = g_new (guint32, MAX (self->n_taken - k, 1));
  for (guint row = 0; row < self->n_taken; row++)
    if (marked[row])
      {
        recompute_keys (self, row, 1);
        moved[n_moved++] = row;
      }

  self->n_taken = k;
  sort_rows (self, moved, n_moved);
  merge_into_order (self, moved, n_moved);
}

/* The sorted rows replace what is shown, with one items-changed. */
static void
resort_finish (GleanerSortModel *self)
{
  Resort *job = g_steal_pointer (&self->resort);
  guint n_before = n_visible (self);
  guint n_source = g_list_model_get_n_items (G_LIST_MODEL (self->source));

  ensure_capacity (self, n_source);
  if (job->n > 0)
    memcpy (self->order, job->runs, job->n * sizeof (guint32));
  self->n_taken = job->n;
  self->front = self->tail = self->end = job->n;
  self->n_unsorted = 0;
  self->passthrough = FALSE;

  /* Rows replaced while the merge ran sit where their old keys put them. */
  if (job->dirty != NULL)
    reinsert_rows (self, (const guint32 *)(gconstpointer)job->dirty->data, job->dirty->len);

  /* Rows that arrived meanwhile. */
  if (n_source > self->n_taken)
    {
      guint n_new = n_source - self->n_taken;
      g_autofree guint32 *rows = g_new (guint32, n_new);

      compute_new_keys (self, n_source);
      for (guint i = 0; i < n_new; i++)
        rows[i] = self->n_taken + i;
      sort_rows (self, rows, n_new);
      merge_into_order (self, rows, n_new);
    }

  resort_free (job);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, n_before, self->n_taken);
}

static gboolean
resort_cb (gpointer data)
{
  GleanerSortModel *self = data;

  if (!resort_step (self, g_get_monotonic_time () + RESORT_SLICE_US))
    return G_SOURCE_CONTINUE;

  self->resort_source = 0;
  resort_finish (self);
  return G_SOURCE_REMOVE;
}

/* Sorts every row by the current levels: at once when that is quick, else
 * in slices on idle while the current order stays on screen. */
static void
start_resort (GleanerSortModel *self)
{
  drop_resort (self, TRUE);

  self->resort = g_new0 (Resort, 1);
  self->resort->n = g_list_model_get_n_items (G_LIST_MODEL (self->source));
  ensure_capacity (self, self->resort->n);

  if (resort_step (self, g_get_monotonic_time () + RESORT_SLICE_US))
    {
      resort_finish (self);
      return;
    }

  self->resort_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, resort_cb, self, NULL);
}

/* Changes from the source */

/* A batch appended to the source: sorted on its own, then merged in. While
 * the old rows move from the back of @order to the front, order[0, front)
 * and order[tail, end) together are the list as announced so far, so every
 * items-changed holds while it is emitted. */
static void
insert_rows (GleanerSortModel *self,
             guint             first,
             guint             n_new)
{
  g_autofree guint32 *rows = g_new (guint32, n_new);
  guint n_old = self->n_taken;
  guint j = 0;

  g_assert (first == n_old);

  compute_new_keys (self, first + n_new);
  for (guint i = 0; i < n_new; i++)
    rows[i] = first + i;
  sort_rows (self, rows, n_new);

  memmove (self->order + n_new, self->order, n_old * sizeof (guint32));
  self->front = 0;
  self->tail = n_new;
  self->end = n_old + n_new;
  self->n_taken = n_old + n_new;

  while (j < n_new)
    {
      guint lo = self->tail;
      guint hi = self->end;
      guint n_run = 0;

      /* The old rows that sort before rows[j] go first. */
      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;

          if (compare_rows (self, self->order[mid], rows[j]) < 0)
            lo = mid + 1;
          else
            hi = mid;
        }
      memmove (self->order + self->front, self->order + self->tail, (lo - self->tail) * sizeof (guint32));
      self->front += lo - self->tail;
      self->tail = lo;

      do
        {
          self->order[self->front++] = rows[j++];
          n_run++;
        }
      while (j < n_new &&
             (self->tail == self->end || compare_rows (self, self->order[self->tail], rows[j]) > 0));

      g_list_model_items_changed (G_LIST_MODEL (self), self->front - n_run, 0, n_run);
    }

  /* The rest of the old rows are where they belong already (tail == front). */
  g_assert (self->tail == self->front);
  self->front = self->tail = self->end;
}

/* Rows [first, first + n) of the source were replaced (or only changed how
 * they look): they move to where their new keys sort, and the span of the
 * list between their old and new places is announced. */
static void
replace_rows (GleanerSortModel *self,
              guint             first,
              guint             n)
{
  g_autofree guint32 *rows = g_new (guint32, n);
  guint lowest = G_MAXUINT;
  guint highest = 0;

  for (guint i = 0; i < self->n_taken; i++)
    if (self->order[i] >= first && self->order[i] < first + n)
      {
        lowest = MIN (lowest, i);
        highest = i;
      }

  for (guint i = 0; i < n; i++)
    rows[i] = first + i;
  reinsert_rows (self, rows, n);

  for (guint i = 0; i < self->n_taken; i++)
    if (self->order[i] >= first && self->order[i] < first + n)
      {
        lowest = MIN (lowest, i);
        highest = MAX (highest, i);
      }

  if (lowest <= highest)
    g_list_model_items_changed (G_LIST_MODEL (self), lowest, highest - lowest + 1, highest - lowest + 1);
}

/* The same while a re-sort runs: the rows stay where they are shown until the
 * new order replaces it. */
static void
replace_rows_during_resort (GleanerSortModel *self,
                            guint             first,
                            guint             n)
{
  Resort *job = self->resort;
  guint lowest = G_MAXUINT;
  guint highest = 0;

  if (job->width == 0)
    recompute_keys (self, first, n);
  else
    {
      if (job->dirty == NULL)
        job->dirty = g_array_new (FALSE, FALSE, sizeof (guint32));
      for (guint32 row = first; row < first + n && row < job->n; row++)
        g_array_append_val (job->dirty, row);
    }

  if (self->passthrough)
    {
      if (first < self->n_taken)
        {
          n = MIN (n, self->n_taken - first);
          g_list_model_items_changed (G_LIST_MODEL (self), first, n, n);
        }
      return;
    }

  for (guint i = 0; i < self->n_taken; i++)
    if (self->order[i] >= first && self->order[i] < first + n)
      {
        lowest = MIN (lowest, i);
        highest = i;
      }
  /* Rows taken in during the re-sort are shown in arrival order after the
   * others: at their source positions. */
  for (guint row = MAX (first, self->n_taken); row < MIN (first + n, first_waiting (self)); row++)
    {
      lowest = MIN (lowest, row);
      highest = MAX (highest, row);
    }

  if (lowest <= highest)
    g_list_model_items_changed (G_LIST_MODEL (self), lowest, highest - lowest + 1, highest - lowest + 1);
}

static void
clear_keys (GleanerSortModel *self)
{
  for (guint k = 0; k < GLEANER_N_SORT_KEYS; k++)
    {
      gboolean in_use = self->keys[k].in_use;

      key_column_clear (&self->keys[k]);
      if (in_use)
        key_column_init (self, k);
    }
}

/* Not something GleanerResultList does: show the source as it is, then sort
 * it from scratch. */
static void
unexpected_change (GleanerSortModel *self,
                   guint             position,
                   guint             removed,
                   guint             added)
{
  guint n_shown = n_visible (self);

  g_warning ("GleanerSortModel: unexpected change of the source (%u, -%u, +%u); sorting again",
             position, removed, added);
  cancel_resort (self);
  g_clear_handle_id (&self->pace_source, g_source_remove);
  clear_keys (self);
  self->passthrough = TRUE;
  self->n_taken = g_list_model_get_n_items (G_LIST_MODEL (self->source));
  self->front = self->tail = self->end = self->n_unsorted = 0;
  g_list_model_items_changed (G_LIST_MODEL (self), 0, n_shown, self->n_taken);
  if (self->n_levels > 0)
    start_resort (self);
}

static gboolean pace_cb (gpointer data);

static void
schedule_pace (GleanerSortModel *self,
               gboolean          after_frame)
{
  if (self->pace_source != 0)
    return;

  if (after_frame)
    self->pace_source = g_timeout_add_full (G_PRIORITY_DEFAULT_IDLE, PACE_INTERVAL_MS, pace_cb, self, NULL);
  else
    self->pace_source = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, pace_cb, self, NULL);
}

/* Shows rows that wait (see PACE_BUDGET_US), and comes back on idle for the
 * rest. */
static void
take_waiting_rows (GleanerSortModel *self)
{
  guint first = first_waiting (self);
  guint n_waiting = g_list_model_get_n_items (G_LIST_MODEL (self->source)) - first;
  double fit = PACE_BUDGET_US / self->us_per_row;
  guint n;
  gint64 start = gleaner_ui_thread_cpu_time_us ();
  double took;

  if (n_waiting == 0)
    return;

  if (!self->passthrough && self->resort == NULL)
    fit = MIN (fit, self->n_taken / SORTED_SLICE_DIVISOR);
  n = fit >= n_waiting ? n_waiting : MIN (MAX ((guint)fit, MIN_PACE_ROWS), n_waiting);

  if (self->passthrough)
    {
      self->n_taken += n;
      g_list_model_items_changed (G_LIST_MODEL (self), first, 0, n);
    }
  else if (self->resort != NULL)
    {
      guint at = n_visible (self);

      /* Shown at the end until the new order is ready. */
      self->n_unsorted += n;
      g_list_model_items_changed (G_LIST_MODEL (self), at, 0, n);
    }
  else
    {
      /* Arrivals may all land among the shown rows (sorted by time, say):
       * stop when the time is up, whatever the estimate said. */
      guint planned = n;

      for (n = 0; n < planned && (n == 0 || gleaner_ui_thread_cpu_time_us () - start < PACE_BUDGET_US); )
        {
          guint step = MIN (SORTED_STEP_ROWS, planned - n);

          insert_rows (self, first + n, step);
          n += step;
        }
    }

  /* Up at once, down by half a slice: where rows land changes as they come. */
  took = MAX (gleaner_ui_thread_cpu_time_us () - start, 1) / (double)n;
  self->us_per_row = MAX (took, self->us_per_row / 2);

  if (n < n_waiting)
    schedule_pace (self, took * n > PACE_BUDGET_US / 2);
}

static gboolean
pace_cb (gpointer data)
{
  GleanerSortModel *self = data;

  self->pace_source = 0;
  take_waiting_rows (self);
  return G_SOURCE_REMOVE;
}

static void
source_items_changed_cb (GListModel       *source,
                         guint             position,
                         guint             removed,
                         guint             added,
                         GleanerSortModel *self)
{
  guint n_source = g_list_model_get_n_items (source);
  guint n_before = n_source - added + removed;

  /* Emptied: whatever was going on is over, and the view builds its first
   * rows again. */
  if (n_source == 0)
    {
      guint n_shown = n_visible (self);

      cancel_resort (self);
      g_clear_handle_id (&self->pace_source, g_source_remove);
      clear_keys (self);
      self->n_taken = self->front = self->tail = self->end = self->n_unsorted = 0;
      self->passthrough = self->n_levels == 0;
      self->us_per_row = FIRST_ROW_US;
      if (n_shown > 0)
        g_list_model_items_changed (G_LIST_MODEL (self), 0, n_shown, 0);
      return;
    }

  /* Taken in on idle: one slice per main-loop turn, whatever else is due. */
  if (removed == 0 && position == n_before)
    schedule_pace (self, FALSE);
  else if (removed != added)
    unexpected_change (self, position, removed, added);
  else if (self->resort != NULL)
    replace_rows_during_resort (self, position, removed);
  else if (self->passthrough)
    {
      /* Rows still waiting need no announcement. */
      if (position < self->n_taken)
        {
          guint n = MIN (removed, self->n_taken - position);

          g_list_model_items_changed (G_LIST_MODEL (self), position, n, n);
        }
    }
  else if (position < self->n_taken)
    replace_rows (self, position, MIN (removed, self->n_taken - position));
}

/* GObject */

static void
gleaner_sort_model_dispose (GObject *object)
{
  GleanerSortModel *self = (GleanerSortModel *)object;

  g_clear_handle_id (&self->resort_source, g_source_remove);
  g_clear_handle_id (&self->pace_source, g_source_remove);
  g_clear_pointer (&self->resort, resort_free);
  if (self->source != NULL)
    g_signal_handlers_disconnect_by_data (self->source, self);
  g_clear_object (&self->source);

  G_OBJECT_CLASS (gleaner_sort_model_parent_class)->dispose (object);
}

static void
gleaner_sort_model_finalize (GObject *object)
{
  GleanerSortModel *self = (GleanerSortModel *)object;

  for (guint k = 0; k < GLEANER_N_SORT_KEYS; k++)
    key_column_clear (&self->keys[k]);
  g_clear_pointer (&self->order, g_free);
  g_clear_pointer (&self->scratch, g_free);

  G_OBJECT_CLASS (gleaner_sort_model_parent_class)->finalize (object);
}

static void
gleaner_sort_model_class_init (GleanerSortModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = gleaner_sort_model_dispose;
  object_class->finalize = gleaner_sort_model_finalize;
}

static void
gleaner_sort_model_init (GleanerSortModel *self)
{
  self->passthrough = TRUE;
  self->us_per_row = FIRST_ROW_US;
}

/* Public API */

GleanerSortModel *
gleaner_sort_model_new (GleanerResultList *source)
{
  GleanerSortModel *self;

  g_return_val_if_fail (GLEANER_IS_RESULT_LIST (source), NULL);

  self = g_object_new (GLEANER_TYPE_SORT_MODEL, NULL);
  self->source = g_object_ref (source);
  g_signal_connect (source, "items-changed", G_CALLBACK (source_items_changed_cb), self);
  if (g_list_model_get_n_items (G_LIST_MODEL (source)) > 0)
    schedule_pace (self, FALSE);

  return self;
}

/**
 * gleaner_sort_model_set_levels:
 * @levels: (array length=n_levels): what to sort by, the primary level first;
 *   none for arrival order
 *
 * Sorts the rows anew. With many rows the new order comes in a while (see
 * gleaner_sort_model_get_pending()); the old one is shown until then.
 */
void
gleaner_sort_model_set_levels (GleanerSortModel       *self,
                               const GleanerSortLevel *levels,
                               guint                   n_levels)
{
  gboolean needed[GLEANER_N_SORT_KEYS] = { FALSE, };

  g_return_if_fail (GLEANER_IS_SORT_MODEL (self));
  g_return_if_fail (levels != NULL || n_levels == 0);

  n_levels = MIN (n_levels, GLEANER_N_SORT_KEYS);
  if (n_levels == self->n_levels &&
      (n_levels == 0 || memcmp (levels, self->levels, n_levels * sizeof (GleanerSortLevel)) == 0))
    return;

  /* @levels may be NULL for none: memcpy() must not see it. */
  if (n_levels > 0)
    memcpy (self->levels, levels, n_levels * sizeof (GleanerSortLevel));
  self->n_levels = n_levels;

  /* Keys of columns no longer sorted by go; the others stay valid. */
  for (guint l = 0; l < n_levels; l++)
    needed[levels[l].key] = TRUE;
  for (guint k = 0; k < GLEANER_N_SORT_KEYS; k++)
    {
      if (!needed[k])
        key_column_clear (&self->keys[k]);
      else
        key_column_init (self, k);
    }

  if (n_levels > 0)
    {
      start_resort (self);
      return;
    }

  /* Back to arrival order. */
  cancel_resort (self);
  g_clear_pointer (&self->order, g_free);
  g_clear_pointer (&self->scratch, g_free);
  self->capacity = 0;
  if (!self->passthrough)
    {
      guint n_before = n_visible (self);

      /* The same rows in arrival order; those waiting still wait. */
      self->passthrough = TRUE;
      self->n_taken = first_waiting (self);
      self->front = self->tail = self->end = self->n_unsorted = 0;
      g_list_model_items_changed (G_LIST_MODEL (self), 0, n_before, self->n_taken);
    }
}

/* Whether a new order is being computed, or rows wait to be shown. */
gboolean
gleaner_sort_model_get_pending (GleanerSortModel *self)
{
  g_return_val_if_fail (GLEANER_IS_SORT_MODEL (self), FALSE);

  return self->resort != NULL ||
         first_waiting (self) < g_list_model_get_n_items (G_LIST_MODEL (self->source));
}
