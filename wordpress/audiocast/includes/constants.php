<?php
/**
 * The names of what the plugin stores (options, the lock transient, the cron hook), apart from
 * any hook: audiocast.php and uninstall.php both read them, so that uninstall removes exactly
 * what the plugin keeps.
 *
 * @package Audiocast
 */

defined( 'ABSPATH' ) || exit;

// options: the settings, the last good index (its head, and its posts in shards), what the
// last refresh found, and the lists of the shortcodes and blocks
define( 'AUDIOCAST_SETTINGS', 'audiocast_settings' );
define( 'AUDIOCAST_INDEX', 'audiocast_index' );
define( 'AUDIOCAST_SHARD', 'audiocast_shard_' );
define( 'AUDIOCAST_SHARDS', 128 );
define( 'AUDIOCAST_INDEX_STATUS', 'audiocast_index_status' );
define( 'AUDIOCAST_LISTS', 'audiocast_lists' );
// a lock so that two refreshes (the schedule and a settings save) never fetch at once
define( 'AUDIOCAST_REFRESH_LOCK', 'audiocast_refreshing' );
define( 'AUDIOCAST_CRON_HOOK', 'audiocast_refresh_index' );
define( 'AUDIOCAST_CRON_SCHEDULE', 'audiocast_ten_minutes' );
define( 'AUDIOCAST_EXCLUDE_META', 'audiocast_exclude' );

/**
 * Every option the plugin keeps.
 *
 * @return string[]
 */
function audiocast_option_names() {
	$names = array( AUDIOCAST_SETTINGS, AUDIOCAST_INDEX, AUDIOCAST_INDEX_STATUS, AUDIOCAST_LISTS );
	for ( $number = 0; $number < AUDIOCAST_SHARDS; $number++ ) {
		$names[] = AUDIOCAST_SHARD . $number;
	}
	return $names;
}
