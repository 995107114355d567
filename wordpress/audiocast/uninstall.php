<?php
/**
 * Deleting the plugin removes everything it stored: its options, its lock transient and its
 * scheduled refreshes. Posts keep their «Не озвучивать» meta: it is the editors' decision,
 * and `audiocast sync` reads it whether or not the plugin is installed.
 *
 * @package Audiocast
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

require_once __DIR__ . '/includes/constants.php';

foreach ( audiocast_option_names() as $audiocast_option ) {
	delete_option( $audiocast_option );
}
delete_transient( AUDIOCAST_REFRESH_LOCK );
wp_unschedule_hook( AUDIOCAST_CRON_HOOK );
