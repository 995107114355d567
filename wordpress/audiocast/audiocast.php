<?php
/**
 * Plugin Name:       Audiocast
 * Plugin URI:        https://github.com/minval/audiocast
 * Description:       A «Слушать статью» button and the podcast's global player on every post that has an episode, from the index the podcast host publishes.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      7.4
 * Author:            Audiocast
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       audiocast
 *
 * @package Audiocast
 */

defined( 'ABSPATH' ) || exit;

define( 'AUDIOCAST_VERSION', '0.1.0' );
define( 'AUDIOCAST_FILE', __FILE__ );
define( 'AUDIOCAST_DIR', plugin_dir_path( __FILE__ ) );
require_once AUDIOCAST_DIR . 'includes/constants.php';
require_once AUDIOCAST_DIR . 'includes/settings.php';
require_once AUDIOCAST_DIR . 'includes/index.php';
require_once AUDIOCAST_DIR . 'includes/button.php';
require_once AUDIOCAST_DIR . 'includes/meta.php';
require_once AUDIOCAST_DIR . 'includes/desk.php';
require_once AUDIOCAST_DIR . 'includes/column.php';
require_once AUDIOCAST_DIR . 'includes/lists.php';

register_activation_hook( __FILE__, 'audiocast_activate' );
register_deactivation_hook( __FILE__, 'audiocast_deactivate' );

/**
 * On activation: default settings (so that the first save is an update, sanitized once) and
 * the background refresh of the index, every ten minutes.
 */
function audiocast_activate() {
	add_option( AUDIOCAST_SETTINGS, audiocast_default_settings() );
	audiocast_schedule_refresh();
}

/**
 * On deactivation: no refresh runs for a plugin that is off. Options stay (uninstall.php
 * removes them).
 */
function audiocast_deactivate() {
	wp_unschedule_hook( AUDIOCAST_CRON_HOOK ); // every event, whatever its argument
}
