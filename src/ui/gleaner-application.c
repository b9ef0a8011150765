/* gleaner-application.c: the Gleaner application (app actions, windows, settings, history)
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "gleaner-history-window.h"
#include "gleaner-preferences-window.h"
#include "gleaner-renderer.h"
#include "gleaner-session-store.h"
#include "gleaner-window.h"
#include "gleaner-application.h"

#define GLEANER_SCHEMA_ID "io.github.gleaner.Gleaner"

struct _GleanerApplication
{
  AdwApplication       parent_instance;

  /* Owned */
  GSettings           *settings;     /* NULL when the schema is not installed */
  GCancellable        *cancellable;  /* opening the store and its first queries */
  GleanerSessionStore *opening;      /* open, still looking for an unfinished session */
  GleanerSessionStore *store;        /* the one journal of every window; NULL while it
                                      * opens and when history is off */
  GError              *store_error;  /* why history is off */
  GleanerSessionInfo  *unfinished;   /* left by a crash, offered for restore */

  gboolean             store_ready;  /* opening is over, one way or the other */
};

G_DEFINE_FINAL_TYPE (GleanerApplication, gleaner_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_SESSION_STORE,
  PROP_UNFINISHED_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/**
 * gleaner_settings_new:
 *
 * Returns: (transfer full) (nullable): Gleaner's settings, or %NULL when the
 *   schema is not installed (an uninstalled build, some tests); callers then
 *   use the engine's defaults
 */
GSettings *
gleaner_settings_new (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL)
    return NULL;

  /* A development build may install its schema under its own id. */
  schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    schema = g_settings_schema_source_lookup (source, GLEANER_SCHEMA_ID, TRUE);
  if (schema == NULL)
    {
      g_debug ("Settings schema %s not installed; using defaults", GLEANER_SCHEMA_ID);
      return NULL;
    }

  return g_settings_new_full (schema, NULL, NULL);
}

/* The session store. It opens in a thread at startup; windows see it (and
 * journal into it) only once the unfinished session a crash left behind has
 * been looked for, so that a window's own new session is never offered back. */

static void find_unfinished (GleanerApplication *self);

static void
publish_store (GleanerApplication *self)
{
  g_clear_object (&self->store);
  self->store = g_steal_pointer (&self->opening);
  self->store_ready = TRUE;
  g_debug ("History: %s, %s", gleaner_session_store_get_path (self->store),
           self->unfinished != NULL ? "a session to restore" : "nothing to restore");
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_STORE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNFINISHED_SESSION]);
}

static void
find_unfinished_cb (GObject      *source,
                    GAsyncResult *res,
                    gpointer      user_data)
{
  g_autoptr(GleanerApplication) self = user_data;
  GleanerSessionStore *store = GLEANER_SESSION_STORE (source);
  g_autoptr(GleanerSessionInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = gleaner_session_store_find_unfinished_finish (store, res, &error);
  if (store != self->opening)
    return;

  if (error != NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_message ("Could not look for an unfinished session: %s", error->message);
    }
  else if (info != NULL && gleaner_session_info_get_n_targets (info) == 0)
    {
      /* Begun, then killed before its first link: nothing to offer. */
      gleaner_session_store_set_finished (store, gleaner_session_info_get_id (info), TRUE);
      find_unfinished (self);
      return;
    }
  else
    g_set_object (&self->unfinished, info);

  publish_store (self);
}

static void
find_unfinished (GleanerApplication *self)
{
  gleaner_session_store_find_unfinished_async (self->opening, self->cancellable,
                                               find_unfinished_cb, g_object_ref (self));
}

static void
store_open_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(GleanerApplication) self = user_data;
  g_autoptr(GleanerSessionStore) store = NULL;
  g_autoptr(GError) error = NULL;

  store = gleaner_session_store_new_finish (res, &error);
  if (store == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Not a warning: a damaged or newer file is the user's situation, told
       * in the window, not a bug. */
      g_message ("History is off: %s", error->message);
      g_clear_error (&self->store_error);
      self->store_error = g_steal_pointer (&error);
      self->store_ready = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_STORE]);
      return;
    }

  g_set_object (&self->opening, store);
  find_unfinished (self);
}

static void
open_store (GleanerApplication *self)
{
  g_autofree char *path = gleaner_session_store_get_default_path ();

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  g_clear_object (&self->opening);
  gleaner_session_store_new_async (path, self->cancellable, store_open_cb, g_object_ref (self));
}

static GleanerWindow *
find_window_with_session (GleanerApplication *self,
                          gint64              session_id)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (GLEANER_IS_WINDOW (l->data) && gleaner_window_get_session_id (l->data) == session_id)
      return l->data;

  return NULL;
}

static GleanerWindow *
new_window (GleanerApplication *self)
{
  GleanerWindow *window = gleaner_window_new (GTK_APPLICATION (self));

  gtk_window_present (GTK_WINDOW (window));
  return window;
}

static void
gleaner_application_activate (GApplication *app)
{
  GleanerApplication *self = GLEANER_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window != NULL)
    gtk_window_present (window);
  else
    new_window (self);
}

static void
gleaner_application_open (GApplication  *app,
                          GFile        **files,
                          int            n_files,
                          const char    *hint)
{
  GleanerWindow *window = new_window (GLEANER_APPLICATION (app));

  gleaner_window_open_files (window, files, n_files);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GleanerApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));
  g_autoptr(GList) copy = g_list_copy (windows);

  /* Closing (not destroying) lets each window stop its run and save its size. */
  for (GList *l = copy; l != NULL; l = l->next)
    gtk_window_close (l->data);
}

static void
new_window_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  new_window (GLEANER_APPLICATION (user_data));
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  GleanerApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *developers[] = { _("The Gleaner authors"), NULL };

#if ADW_CHECK_VERSION (1, 5, 0)
  AdwDialog *about = adw_about_dialog_new ();

  adw_about_dialog_set_application_name (ADW_ABOUT_DIALOG (about), _("Gleaner"));
  adw_about_dialog_set_application_icon (ADW_ABOUT_DIALOG (about), APP_ID);
  adw_about_dialog_set_version (ADW_ABOUT_DIALOG (about), PACKAGE_VERSION);
  adw_about_dialog_set_developer_name (ADW_ABOUT_DIALOG (about), _("The Gleaner authors"));
  adw_about_dialog_set_developers (ADW_ABOUT_DIALOG (about), developers);
  adw_about_dialog_set_copyright (ADW_ABOUT_DIALOG (about), _("© 2026 The Gleaner authors"));
  adw_about_dialog_set_license_type (ADW_ABOUT_DIALOG (about), GTK_LICENSE_GPL_3_0);
  adw_about_dialog_set_website (ADW_ABOUT_DIALOG (about), PACKAGE_WEBSITE);
  adw_about_dialog_set_issue_url (ADW_ABOUT_DIALOG (about), PACKAGE_WEBSITE "/issues");
  /* Translators: put your names here, one a line */
  adw_about_dialog_set_translator_credits (ADW_ABOUT_DIALOG (about), _("translator-credits"));
  adw_dialog_present (about, parent != NULL ? GTK_WIDGET (parent) : NULL);
#else
  GtkWidget *about = adw_about_window_new ();

  adw_about_window_set_application_name (ADW_ABOUT_WINDOW (about), _("Gleaner"));
  adw_about_window_set_application_icon (ADW_ABOUT_WINDOW (about), APP_ID);
  adw_about_window_set_version (ADW_ABOUT_WINDOW (about), PACKAGE_VERSION);
  adw_about_window_set_developer_name (ADW_ABOUT_WINDOW (about), _("The Gleaner authors"));
  adw_about_window_set_developers (ADW_ABOUT_WINDOW (about), developers);
  adw_about_window_set_copyright (ADW_ABOUT_WINDOW (about), _("© 2026 The Gleaner authors"));
  adw_about_window_set_license_type (ADW_ABOUT_WINDOW (about), GTK_LICENSE_GPL_3_0);
  adw_about_window_set_website (ADW_ABOUT_WINDOW (about), PACKAGE_WEBSITE);
  adw_about_window_set_issue_url (ADW_ABOUT_WINDOW (about), PACKAGE_WEBSITE "/issues");
  /* Translators: put your names here, one a line */
  adw_about_window_set_translator_credits (ADW_ABOUT_WINDOW (about), _("translator-credits"));
  if (parent != NULL)
    {
      gtk_window_set_transient_for (GTK_WINDOW (about), parent);
      gtk_window_set_modal (GTK_WINDOW (about), TRUE);
    }
  gtk_window_present (GTK_WINDOW (about));
#endif
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  GleanerApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  gleaner_preferences_window_present (self->settings, parent);
}

#if !ADW_CHECK_VERSION (1, 8, 0)
/* From libadwaita 1.8 on, AdwApplication makes app.shortcuts itself, for the
 * shortcuts-dialog.ui resource. Before, the build puts gtk/help-overlay.ui
 * there instead, and each GtkApplicationWindow owns a window made from it. */
static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  GleanerApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}
#endif

static void
history_action (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GleanerApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  gleaner_history_window_present (self, parent);
}

static void
reset_history_action (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  gleaner_application_reset_history (GLEANER_APPLICATION (user_data));
}

static const GActionEntry app_entries[] = {
  { "quit", quit_action, NULL, NULL, NULL, { 0 } },
  { "new-window", new_window_action, NULL, NULL, NULL, { 0 } },
  { "about", about_action, NULL, NULL, NULL, { 0 } },
  { "preferences", preferences_action, NULL, NULL, NULL, { 0 } },
#if !ADW_CHECK_VERSION (1, 8, 0)
  { "shortcuts", shortcuts_action, NULL, NULL, NULL, { 0 } },
#endif
  { "history", history_action, NULL, NULL, NULL, { 0 } },
  { "reset-history", reset_history_action, NULL, NULL, NULL, { 0 } },
};

static void
gleaner_application_startup (GApplication *app)
{
  GleanerApplication *self = GLEANER_APPLICATION (app);
  static const struct {
    const char *action;
    const char *accels[2];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.new-window", { "<Control>n", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "app.history", { "<Control>h", NULL } },
#if !ADW_CHECK_VERSION (1, 8, 0)
    /* AdwApplication 1.8 binds Ctrl+? to its own app.shortcuts. Before, the
     * help overlay is reached through ours: one accelerator, one action. */
    { "app.shortcuts", { "<Control>question", NULL } },
    { "win.show-help-overlay", { NULL, NULL } },
#endif
  };

  G_APPLICATION_CLASS (gleaner_application_parent_class)->startup (app);

  /* Before the first window: GTK picks a window's renderer as it realizes it. */
  if (gdk_display_get_default () != NULL)
    gleaner_renderer_choose (gdk_display_get_default ());
  gtk_window_set_default_icon_name (APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries,
                                   G_N_ELEMENTS (app_entries), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);

  open_store (self);
}

static void
gleaner_application_shutdown (GApplication *app)
{
  GleanerApplication *self = GLEANER_APPLICATION (app);

  G_APPLICATION_CLASS (gleaner_application_parent_class)->shutdown (app);

  /* Dropping the last reference writes what is still queued, then closes. */
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->opening);
  g_clear_object (&self->store);
}

static void
gleaner_application_dispose (GObject *object)
{
  GleanerApplication *self = (GleanerApplication *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->opening);
  g_clear_object (&self->store);
  g_clear_object (&self->unfinished);
  g_clear_error (&self->store_error);

  G_OBJECT_CLASS (gleaner_application_parent_class)->dispose (object);
}

static void
gleaner_application_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  GleanerApplication *self = GLEANER_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_SESSION_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_UNFINISHED_SESSION:
      g_value_set_object (value, gleaner_application_get_unfinished_session (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
gleaner_application_class_init (GleanerApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = gleaner_application_dispose;
  object_class->get_property = gleaner_application_get_property;

  app_class->activate = gleaner_application_activate;
  app_class->open = gleaner_application_open;
  app_class->startup = gleaner_application_startup;
  app_class->shutdown = gleaner_application_shutdown;

  /* Notified when opening is over (with a store or with an error) and when
   * the history is started anew. */
  properties[PROP_SESSION_STORE] =
    g_param_spec_object ("session-store", NULL, NULL, GLEANER_TYPE_SESSION_STORE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_UNFINISHED_SESSION] =
    g_param_spec_object ("unfinished-session", NULL, NULL, GLEANER_TYPE_SESSION_INFO,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
gleaner_application_init (GleanerApplication *self)
{
  self->settings = gleaner_settings_new ();
  self->cancellable = g_cancellable_new ();
}

GleanerApplication *
gleaner_application_new (void)
{
  return g_object_new (GLEANER_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS | G_APPLICATION_HANDLES_OPEN,
                       /* Also for the .Devel id: resources live under one path. */
                       "resource-base-path", "/io/github/gleaner/Gleaner",
                       NULL);
}

/**
 * gleaner_application_get_settings:
 *
 * Returns: (transfer none) (nullable): the application's settings
 */
GSettings *
gleaner_application_get_settings (GleanerApplication *self)
{
  g_return_val_if_fail (GLEANER_IS_APPLICATION (self), NULL);

  return self->settings;
}

/**
 * gleaner_application_get_session_store:
 *
 * Returns: (transfer none) (nullable): the journal every window writes to;
 *   %NULL while it opens and when history is off
 */
GleanerSessionStore *
gleaner_application_get_session_store (GleanerApplication *self)
{
  g_return_val_if_fail (GLEANER_IS_APPLICATION (self), NULL);

  return self->store;
}

/* Whether opening the store is over (it is open, or history is off). */
gboolean
gleaner_application_get_store_ready (GleanerApplication *self)
{
  g_return_val_if_fail (GLEANER_IS_APPLICATION (self), FALSE);

  return self->store_ready;
}

/**
 * gleaner_application_get_store_error:
 *
 * Returns: (transfer none) (nullable): why history is off (a
 *   %GLEANER_STORE_ERROR), %NULL while it opens or once it is open
 */
const GError *
gleaner_application_get_store_error (GleanerApplication *self)
{
  g_return_val_if_fail (GLEANER_IS_APPLICATION (self), NULL);

  return self->store != NULL ? NULL : self->store_error;
}

/**
 * gleaner_application_get_unfinished_session:
 *
 * Returns: (transfer none) (nullable): the session a crash left unfinished,
 *   while it is on offer
 */
GleanerSessionInfo *
gleaner_application_get_unfinished_session (GleanerApplication *self)
{
  g_return_val_if_fail (GLEANER_IS_APPLICATION (self), NULL);

  return self->store != NULL ? self->unfinished : NULL;
}

static GleanerSessionInfo *
take_unfinished (GleanerApplication *self)
{
  GleanerSessionInfo *info = g_steal_pointer (&self->unfinished);

  if (info != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNFINISHED_SESSION]);

  return info;
}

/**
 * gleaner_application_restore_unfinished:
 * @window: an empty #GleanerWindow
 *
 * What the restore bar's Restore does: @window takes the unfinished session
 * over (its results shown, its missing links queued for Start) and keeps
 * journaling into it. The offer goes away in every window.
 */
void
gleaner_application_restore_unfinished (GleanerApplication *self,
                                        GtkWindow          *window)
{
  g_autoptr(GleanerSessionInfo) info = NULL;

  g_return_if_fail (GLEANER_IS_APPLICATION (self));
  g_return_if_fail (GLEANER_IS_WINDOW (window));

  info = take_unfinished (self);
  if (info == NULL || self->store == NULL)
    return;

  gleaner_window_load_session (GLEANER_WINDOW (window), gleaner_session_info_get_id (info));
}

/* What the restore bar's Discard does: the session is over; History keeps it. */
void
gleaner_application_discard_unfinished (GleanerApplication *self)
{
  g_autoptr(GleanerSessionInfo) info = NULL;

  g_return_if_fail (GLEANER_IS_APPLICATION (self));

  info = take_unfinished (self);
  if (info != NULL && self->store != NULL)
    gleaner_session_store_set_finished (self->store, gleaner_session_info_get_id (info), TRUE);
}

/* Whether a window journals into @session_id (History does not delete those). */
gboolean
gleaner_application_is_session_open (GleanerApplication *self,
                                     gint64              session_id)
{
  g_return_val_if_fail (GLEANER_IS_APPLICATION (self), FALSE);

  return session_id > 0 && find_window_with_session (self, session_id) != NULL;
}

/**
 * gleaner_application_open_session:
 * @session_id: a session of the store
 * @preferred: (nullable): the window History was opened from; %NULL for the
 *   active window
 *
 * What History's Open does: shows the window that has the session already,
 * or loads it into @preferred when that one is empty, or into a new window.
 */
void
gleaner_application_open_session (GleanerApplication *self,
                                  gint64              session_id,
                                  GtkWindow          *preferred)
{
  GleanerWindow *window;
  GtkWindow *active = preferred;

  g_return_if_fail (GLEANER_IS_APPLICATION (self));
  g_return_if_fail (session_id > 0);

  if (self->store == NULL)
    return;

  window = find_window_with_session (self, session_id);
  if (window != NULL)
    {
      gtk_window_present (GTK_WINDOW (window));
      return;
    }

  /* Opening the session on offer is restoring it. */
  if (self->unfinished != NULL && gleaner_session_info_get_id (self->unfinished) == session_id)
    g_object_unref (take_unfinished (self));

  if (active == NULL)
    active = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (GLEANER_IS_WINDOW (active) && gleaner_window_get_is_empty (GLEANER_WINDOW (active)))
    window = GLEANER_WINDOW (active);
  else
    window = new_window (self);

  gtk_window_present (GTK_WINDOW (window));
  gleaner_window_load_session (window, session_id);
}

/* History deleted @session_id: it is no longer on offer. */
void
gleaner_application_session_deleted (GleanerApplication *self,
                                     gint64              session_id)
{
  g_return_if_fail (GLEANER_IS_APPLICATION (self));

  if (self->unfinished != NULL && gleaner_session_info_get_id (self->unfinished) == session_id)
    g_object_unref (take_unfinished (self));
}

/**
 * gleaner_application_reset_history:
 *
 * What "Start a New History" does after the journal was found damaged: the
 * file is moved aside (kept for rescue, never deleted) and a new one opened.
 */
void
gleaner_application_reset_history (GleanerApplication *self)
{
  g_autofree char *path = gleaner_session_store_get_default_path ();
  g_autofree char *moved = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *window;

  g_return_if_fail (GLEANER_IS_APPLICATION (self));

  if (self->store != NULL || !self->store_ready)
    return;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (!gleaner_session_store_move_aside (path, &moved, &error))
    {
      g_message ("Could not move the damaged history aside: %s", error->message);
      g_clear_error (&self->store_error);
      self->store_error = g_steal_pointer (&error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_STORE]);
      return;
    }

  if (GLEANER_IS_WINDOW (window) && moved != NULL)
    {
      g_autofree char *name = g_filename_display_basename (moved);
      g_autofree char *message = NULL;

      /* Translators: %s is a file name */
      message = g_strdup_printf (_("Started a new history. The damaged one was kept as “%s”."),
                                 name);
      gleaner_window_show_toast (GLEANER_WINDOW (window), message);
    }

  g_clear_error (&self->store_error);
  self->store_ready = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_STORE]);
  open_store (self);
}
