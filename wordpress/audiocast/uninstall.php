<?php
/**
 * Deleting the plugin removes everything it stored: its options, its lock transient and its
 * scheduled refreshes. Posts keep their «Не озвучивать» meta: it is the editors' decision,
 * and `audiocast sync` reads it whether or not the plugin is installed.
 *
 * @package Audiocast
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

$audiocast_options = array( 'audiocast_settings', 'audiocast_index', 'audiocast_index_status', 'audiocast_lists' );
for ( $audiocast_shard = 0; $audiocast_shard < 128; $audiocast_shard++ ) {
	$audiocast_options[] = 'audiocast_shard_' . $audiocast_shard; // the index's posts (includes/index.php)
}
foreach ( $audiocast_options as $audiocast_option ) {
	delete_option( $audiocast_option );
}
delete_transient( 'audiocast_refreshing' );
wp_unschedule_hook( 'audiocast_refresh_index' );
