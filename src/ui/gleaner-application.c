/* gleaner-application.c: the Gleaner application (app actions, windows, settings)
 *
 * Copyright 2026 The Gleaner authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "gleaner-preferences-window.h"
#include "gleaner-window.h"
#include "gleaner-application.h"

#define GLEANER_SCHEMA_ID "io.github.gleaner.Gleaner"

struct _GleanerApplication
{
  AdwApplication  parent_instance;

  /* Owned */
  GSettings      *settings;  /* NULL when the schema is not installed */
};

G_DEFINE_FINAL_TYPE (GleanerApplication, gleaner_application, ADW_TYPE_APPLICATION)

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

static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  GleanerApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  /* GtkApplicationWindow owns the help overlay (gtk/help-overlay.ui). */
  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

static const GActionEntry app_entries[] = {
  { "quit", quit_action, NULL, NULL, NULL, { 0 } },
  { "new-window", new_window_action, NULL, NULL, NULL, { 0 } },
  { "about", about_action, NULL, NULL, NULL, { 0 } },
  { "preferences", preferences_action, NULL, NULL, NULL, { 0 } },
  { "shortcuts", shortcuts_action, NULL, NULL, NULL, { 0 } },
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
    { "app.shortcuts", { "<Control>question", NULL } },
    /* Reached through app.shortcuts; one accelerator, one action. */
    { "win.show-help-overlay", { NULL, NULL } },
  };

  G_APPLICATION_CLASS (gleaner_application_parent_class)->startup (app);

  gtk_window_set_default_icon_name (APP_ID);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_entries,
                                   G_N_ELEMENTS (app_entries), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);
}

static void
gleaner_application_dispose (GObject *object)
{
  GleanerApplication *self = (GleanerApplication *)object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (gleaner_application_parent_class)->dispose (object);
}

static void
gleaner_application_class_init (GleanerApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = gleaner_application_dispose;

  app_class->activate = gleaner_application_activate;
  app_class->open = gleaner_application_open;
  app_class->startup = gleaner_application_startup;
}

static void
gleaner_application_init (GleanerApplication *self)
{
  self->settings = gleaner_settings_new ();
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
