/* gleaner-result-list.c: the rows of a window, a GListModel of GleanerResult fed in batches
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "gleaner-result-list.h"

/* A GPtrArray gives O(1) get_item at 100,000 rows, and a batch of results
 * becomes one items-changed (two when re-fetched rows are replaced in the same
 * batch as new rows arrive), so sort and filter models above us do their work
 * per batch, not per row. Main thread only, like every GListModel. */
struct _GleanerResultList
{
  GObject     parent_instance;

  /* Owned */
  GPtrArray  *items;      /* GleanerResult, in arrival order */
  GHashTable *positions;  /* id -> position in items */
  GHashTable *pending;    /* ids of rows being fetched again */

  guint       n_failed;
};

static GType
gleaner_result_list_get_item_type (GListModel *model)
{
  return GLEANER_TYPE_RESULT;
}

static guint
gleaner_result_list_get_n_items (GListModel *model)
{
  GleanerResultList *self = GLEANER_RESULT_LIST (model);

  return self->items->len;
}

static gpointer
gleaner_result_list_get_item (GListModel *model,
                              guint       position)
{
  GleanerResultList *self = GLEANER_RESULT_LIST (model);

  if (position >= self->items->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = gleaner_result_list_get_item_type;
  iface->get_n_items = gleaner_result_list_get_n_items;
  iface->get_item = gleaner_result_list_get_item;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (GleanerResultList, gleaner_result_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static inline gpointer
id_key (guint64 id)
{
  /* Ids are handed out by the window from 1 upwards: they fit a pointer. */
  return GSIZE_TO_POINTER ((gsize)id);
}

static gboolean
lookup_position (GleanerResultList *self,
                 guint64            id,
                 guint             *position)
{
  gpointer value = NULL;

  if (!g_hash_table_lookup_extended (self->positions, id_key (id), NULL, &value))
    return FALSE;

  *position = GPOINTER_TO_UINT (value);
  return TRUE;
}

static void
gleaner_result_list_finalize (GObject *object)
{
  GleanerResultList *self = (GleanerResultList *)object;

  g_clear_pointer (&self->items, g_ptr_array_unref);
  g_clear_pointer (&self->positions, g_hash_table_unref);
  g_clear_pointer (&self->pending, g_hash_table_unref);

  G_OBJECT_CLASS (gleaner_result_list_parent_class)->finalize (object);
}

static void
gleaner_result_list_class_init (GleanerResultListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = gleaner_result_list_finalize;
}

static void
gleaner_result_list_init (GleanerResultList *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->positions = g_hash_table_new (g_direct_hash, g_direct_equal);
  self->pending = g_hash_table_new (g_direct_hash, g_direct_equal);
}

GleanerResultList *
gleaner_result_list_new (void)
{
  return g_object_new (GLEANER_TYPE_RESULT_LIST, NULL);
}

/**
 * gleaner_result_list_apply:
 * @self: a result list
 * @results: (element-type GleanerResult): one delivered batch
 *
 * Appends the results of new ids and replaces, in place, the rows of ids the
 * list already has (a re-fetched row keeps its position). Emits one
 * items-changed for the new rows and at most one for the replaced span.
 */
void
gleaner_result_list_apply (GleanerResultList *self,
                           GPtrArray         *results)
{
  guint first_replaced = G_MAXUINT;
  guint last_replaced = 0;
  guint old_len;
  guint n_new = 0;

  g_return_if_fail (GLEANER_IS_RESULT_LIST (self));
  g_return_if_fail (results != NULL);

  /* Replacements first and announced before the appends, so that every
   * items-changed describes the list as it is when it is emitted. */
  for (guint i = 0; i < results->len; i++)
    {
      GleanerResult *result = g_ptr_array_index (results, i);
      guint64 id = gleaner_result_get_id (result);
      GleanerResult *old;
      guint pos;

      if (!lookup_position (self, id, &pos))
        {
          n_new++;
          continue;
        }

      old = g_ptr_array_index (self->items, pos);
      if (old == result)
        continue;
      if (!gleaner_result_get_succeeded (old))
        self->n_failed--;
      if (!gleaner_result_get_succeeded (result))
        self->n_failed++;
      g_ptr_array_index (self->items, pos) = g_object_ref (result);
      g_object_unref (old);
      g_hash_table_remove (self->pending, id_key (id));

      first_replaced = MIN (first_replaced, pos);
      last_replaced = MAX (last_replaced, pos);
    }

  if (first_replaced != G_MAXUINT)
    {
      guint span = last_replaced - first_replaced + 1;

      g_list_model_items_changed (G_LIST_MODEL (self), first_replaced, span, span);
    }

  if (n_new == 0)
    return;

  old_len = self->items->len;
  for (guint i = 0; i < results->len; i++)
    {
      GleanerResult *result = g_ptr_array_index (results, i);
      guint64 id = gleaner_result_get_id (result);
      guint pos;

      /* An id twice in one batch: the later result wins, in place. */
      if (lookup_position (self, id, &pos))
        {
          if (pos < old_len)
            continue;
          if (!gleaner_result_get_succeeded (g_ptr_array_index (self->items, pos)))
            self->n_failed--;
          g_object_unref (g_ptr_array_index (self->items, pos));
          g_ptr_array_index (self->items, pos) = g_object_ref (result);
        }
      else
        {
          g_hash_table_insert (self->positions, id_key (id), GUINT_TO_POINTER (self->items->len));
          g_ptr_array_add (self->items, g_object_ref (result));
        }
      if (!gleaner_result_get_succeeded (result))
        self->n_failed++;
    }

  g_list_model_items_changed (G_LIST_MODEL (self), old_len, 0, self->items->len - old_len);
}

/**
 * gleaner_result_list_peek:
 * @position: a position in the list
 *
 * g_list_model_get_item() without the reference, for code that walks many rows.
 *
 * Returns: (transfer none): the row at @position
 */
GleanerResult *
gleaner_result_list_peek (GleanerResultList *self,
                          guint              position)
{
  g_return_val_if_fail (GLEANER_IS_RESULT_LIST (self), NULL);
  g_return_val_if_fail (position < self->items->len, NULL);

  return g_ptr_array_index (self->items, position);
}

/**
 * gleaner_result_list_lookup:
 *
 * Returns: (transfer none) (nullable): the row of @id
 */
GleanerResult *
gleaner_result_list_lookup (GleanerResultList *self,
                            guint64            id)
{
  guint pos;

  g_return_val_if_fail (GLEANER_IS_RESULT_LIST (self), NULL);

  if (!lookup_position (self, id, &pos))
    return NULL;

  return g_ptr_array_index (self->items, pos);
}

static void
emit_span (GleanerResultList *self,
           guint              first,
           guint              last)
{
  if (first <= last)
    g_list_model_items_changed (G_LIST_MODEL (self), first, last - first + 1, last - first + 1);
}

/**
 * gleaner_result_list_set_pending:
 * @ids: (array length=n_ids): ids of rows in the list
 *
 * Marks rows as being fetched again (or not), so their cells can say so. The
 * mark goes away by itself when the row's new result is applied.
 */
void
gleaner_result_list_set_pending (GleanerResultList *self,
                                 const guint64     *ids,
                                 guint              n_ids,
                                 gboolean           pending)
{
  guint first = G_MAXUINT;
  guint last = 0;

  g_return_if_fail (GLEANER_IS_RESULT_LIST (self));
  g_return_if_fail (ids != NULL || n_ids == 0);

  for (guint i = 0; i < n_ids; i++)
    {
      guint pos;

      if (!lookup_position (self, ids[i], &pos))
        continue;
      if (pending)
        g_hash_table_add (self->pending, id_key (ids[i]));
      else
        g_hash_table_remove (self->pending, id_key (ids[i]));
      first = MIN (first, pos);
      last = MAX (last, pos);
    }

  if (first != G_MAXUINT)
    emit_span (self, first, last);
}

void
gleaner_result_list_clear_pending (GleanerResultList *self)
{
  GHashTableIter iter;
  gpointer key;
  guint first = G_MAXUINT;
  guint last = 0;

  g_return_if_fail (GLEANER_IS_RESULT_LIST (self));

  if (g_hash_table_size (self->pending) == 0)
    return;

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      guint pos;

      if (lookup_position (self, GPOINTER_TO_SIZE (key), &pos))
        {
          first = MIN (first, pos);
          last = MAX (last, pos);
        }
    }
  g_hash_table_remove_all (self->pending);

  if (first != G_MAXUINT)
    emit_span (self, first, last);
}

gboolean
gleaner_result_list_is_pending (GleanerResultList *self,
                                guint64            id)
{
  g_return_val_if_fail (GLEANER_IS_RESULT_LIST (self), FALSE);

  return g_hash_table_contains (self->pending, id_key (id));
}

/**
 * gleaner_result_list_collect_failed:
 *
 * Returns: (transfer container) (element-type GleanerResult): the failed rows
 *   that are not already being fetched again, in list order
 */
GPtrArray *
gleaner_result_list_collect_failed (GleanerResultList *self)
{
  GPtrArray *failed;

  g_return_val_if_fail (GLEANER_IS_RESULT_LIST (self), NULL);

  failed = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->items->len && failed->len < self->n_failed; i++)
    {
      GleanerResult *result = g_ptr_array_index (self->items, i);

      if (!gleaner_result_get_succeeded (result) &&
          !g_hash_table_contains (self->pending, id_key (gleaner_result_get_id (result))))
        g_ptr_array_add (failed, g_object_ref (result));
    }

  return failed;
}

void
gleaner_result_list_clear (GleanerResultList *self)
{
  guint n;

  g_return_if_fail (GLEANER_IS_RESULT_LIST (self));

  n = self->items->len;
  if (n == 0)
    return;

  /* Detach first, notify, then let the rows go. */
  {
    g_autoptr(GPtrArray) old = g_steal_pointer (&self->items);

    self->items = g_ptr_array_new_with_free_func (g_object_unref);
    g_hash_table_remove_all (self->positions);
    g_hash_table_remove_all (self->pending);
    self->n_failed = 0;
    g_list_model_items_changed (G_LIST_MODEL (self), 0, n, 0);
  }
}

guint
gleaner_result_list_get_n_succeeded (GleanerResultList *self)
{
  g_return_val_if_fail (GLEANER_IS_RESULT_LIST (self), 0);

  return self->items->len - self->n_failed;
}

guint
gleaner_result_list_get_n_failed (GleanerResultList *self)
{
  g_return_val_if_fail (GLEANER_IS_RESULT_LIST (self), 0);

  return self->n_failed;
}

guint
gleaner_result_list_get_n_pending (GleanerResultList *self)
{
  g_return_val_if_fail (GLEANER_IS_RESULT_LIST (self), 0);

  return g_hash_table_size (self->pending);
}
