<?php
/**
 * The editors' desk (audiocast desk), when the settings name it and hold its API token: told
 * of every published or updated post (so that its audio is made within a minute, not at the
 * next cron run), asked to voice a post again from the panel «Аудио», and asked by the cron
 * refresh which posts failed. Every call is made here, on the server, with the token in the
 * Authorization header; the token never reaches a page or a browser.
 *
 * @package Audiocast
 */

defined( 'ABSPATH' ) || exit;

// the admin-post.php action of «Озвучить заново», and its nonce's action (with the post's id)
define( 'AUDIOCAST_REVOICE_ACTION', 'audiocast_revoice' );
// the longest failure reason kept from the desk (characters)
define( 'AUDIOCAST_REASON_MAX', 300 );
// seconds from telling the desk to fetching the index again (a sync that voices one article
// and builds takes 10-30 s on the desk's machine; the margin is for a queue of other jobs)
define( 'AUDIOCAST_DESK_LAG', 90 );

add_action( 'transition_post_status', 'audiocast_note_status_change', 10, 3 );
add_action( 'admin_post_' . AUDIOCAST_REVOICE_ACTION, 'audiocast_handle_revoice' );

/**
 * Whether the settings name a desk and its token.
 *
 * @return bool
 */
function audiocast_desk_configured() {
	$settings = audiocast_settings();
	return '' !== $settings['desk_url'] && '' !== $settings['token'];
}

/**
 * The arguments of a call to the desk's API: the token, JSON, no redirects (a redirect would
 * carry the token elsewhere).
 *
 * @param array $extra More arguments for wp_remote_request().
 * @return array
 */
function audiocast_desk_args( $extra ) {
	return array_merge(
		array(
			'timeout'     => 10,
			'redirection' => 0,
			'headers'     => array(
				'Authorization' => 'Bearer ' . audiocast_settings()['token'],
				'Accept'        => 'application/json',
				'Content-Type'  => 'application/json',
			),
		),
		$extra
	);
}

/**
 * One call to the desk's API, waiting for its answer.
 *
 * @param string     $method GET or POST.
 * @param string     $path   Under /api/, e.g. 'jobs'.
 * @param mixed  $body   The JSON body of a POST (an object: an array or stdClass).
 * @return array|WP_Error The decoded answer, or why there is none (the desk's own sentence).
 */
function audiocast_desk_call( $method, $path, $body = null ) {
	if ( ! audiocast_desk_configured() ) {
		return new WP_Error( 'audiocast_no_desk', __( 'редакционный пульт не настроен.', 'audiocast' ) );
	}
	$args = array( 'method' => $method );
	if ( null !== $body ) {
		$args['body'] = wp_json_encode( $body );
	}
	$response = wp_remote_request( audiocast_settings()['desk_url'] . 'api/' . $path, audiocast_desk_args( $args ) );
	if ( is_wp_error( $response ) ) {
		/* translators: %s: the HTTP library's reason */
		return new WP_Error( 'audiocast_desk_unreachable', sprintf( __( 'пульт недоступен (%s).', 'audiocast' ), $response->get_error_message() ) );
	}
	$code = (int) wp_remote_retrieve_response_code( $response );
	$data = json_decode( wp_remote_retrieve_body( $response ), true );
	if ( $code < 200 || $code > 299 || ! is_array( $data ) ) {
		$error = is_array( $data ) && isset( $data['error'] ) && is_string( $data['error'] )
			? mb_substr( $data['error'], 0, AUDIOCAST_REASON_MAX )
			/* translators: %d: HTTP status */
			: sprintf( __( 'пульт ответил %d.', 'audiocast' ), $code );
		return new WP_Error( 'audiocast_desk_refused', $error );
	}
	return $data;
}

// --- publishing tells the desk -----------------------------------------------------------------

/**
 * A post of a type the settings name was published, updated, scheduled, or taken off the site
 * (unpublished, trashed): the desk is told once, when the request ends (after its meta, «Не
 * озвучивать» too, is saved). A scheduled post, so that audiocast can voice it in advance; one
 * taken off, so that its episode leaves the feeds now, not at the next cron run.
 *
 * @param string  $new_status The status now.
 * @param string  $old_status The status before.
 * @param WP_Post $post       The post.
 */
function audiocast_note_status_change( $new_status, $old_status, $post ) {
	static $noted = false;
	if ( $noted || ! audiocast_status_matters( $new_status, $old_status ) || ! $post instanceof WP_Post
		|| ! in_array( $post->post_type, audiocast_settings()['post_types'], true )
		|| wp_is_post_revision( $post ) || wp_is_post_autosave( $post )
		|| ( defined( 'DOING_AUTOSAVE' ) && DOING_AUTOSAVE ) || ! audiocast_desk_configured() ) {
		return;
	}
	$noted = true;
	add_action( 'shutdown', 'audiocast_tell_desk' );
}

/**
 * Whether a post going from OLD to NEW changes what audiocast makes: it is (or stays) public or
 * scheduled, or it was and is no longer. A draft saved as a draft is nobody's business.
 *
 * @param string $new_status The status now.
 * @param string $old_status The status before.
 * @return bool
 */
function audiocast_status_matters( $new_status, $old_status ) {
	$watched = array( 'publish', 'future' );
	return in_array( $new_status, $watched, true )
		|| ( in_array( $old_status, $watched, true ) && $new_status !== $old_status );
}

/**
 * Ask the desk for a sync, at the end of the request, the editor not kept waiting: under
 * PHP-FPM the answer is sent to the browser first (fastcgi_finish_request); elsewhere the call
 * waits two seconds at most (on a reachable desk, milliseconds). Not `'blocking' => false`:
 * WordPress's socket transport (sites without php-curl) then hangs up as soon as the request
 * is written, and the desk's server may see the hang-up before the body and drop the request.
 * The index is fetched again AUDIOCAST_DESK_LAG seconds later, by when the desk has usually
 * voiced the post and built: the button appears then, not at the next ten-minute refresh.
 */
function audiocast_tell_desk() {
	if ( ! audiocast_desk_configured() ) {
		return;
	}
	if ( function_exists( 'fastcgi_finish_request' ) ) {
		fastcgi_finish_request();
	}
	wp_remote_post(
		audiocast_settings()['desk_url'] . 'api/jobs',
		audiocast_desk_args(
			array(
				'timeout' => 2,
				'body'    => wp_json_encode( array( 'kind' => 'sync' ) ),
			)
		)
	);
	audiocast_refresh_after_desk();
}

// --- «Озвучить заново» ---------------------------------------------------------------------

/**
 * The nonce action of «Озвучить заново» for one post.
 *
 * @param int $post_id The post.
 * @return string
 */
function audiocast_revoice_nonce_action( $post_id ) {
	return AUDIOCAST_REVOICE_ACTION . '_' . (int) $post_id;
}

/**
 * The panel's «Озвучить заново» posts here (admin-post.php): with the post's nonce, by someone
 * who may edit the post. A post with an episode is voiced again; one without asks the desk for
 * a sync (which voices new posts). What happened is shown once, in the panel.
 */
function audiocast_handle_revoice() {
	$post_id = isset( $_POST['post_id'] ) ? absint( $_POST['post_id'] ) : 0;
	$nonce   = isset( $_POST['_wpnonce'] ) ? sanitize_key( wp_unslash( $_POST['_wpnonce'] ) ) : '';
	if ( ! $post_id || ! wp_verify_nonce( $nonce, audiocast_revoice_nonce_action( $post_id ) ) ) {
		wp_die( esc_html__( 'Ссылка устарела: откройте запись заново и нажмите «Озвучить заново» ещё раз.', 'audiocast' ), '', array( 'response' => 403 ) );
	}
	$post = get_post( $post_id );
	if ( ! $post instanceof WP_Post || ! current_user_can( 'edit_post', $post_id ) ) {
		wp_die( esc_html__( 'У вас нет прав озвучивать эту запись.', 'audiocast' ), '', array( 'response' => 403 ) );
	}
	audiocast_set_notice( $post_id, audiocast_revoice( $post ) );
	wp_safe_redirect( get_edit_post_link( $post_id, 'url' ) );
	exit;
}

/**
 * Ask the desk to voice POST again; the sentence saying what happened.
 *
 * @param WP_Post $post The post.
 * @return array Its 'ok' (bool) and 'text'.
 */
function audiocast_revoice( $post ) {
	$episode = audiocast_episode_for( $post->ID );
	$answer  = null === $episode
		? audiocast_desk_call( 'POST', 'jobs', array( 'kind' => 'sync' ) )
		: audiocast_desk_call( 'POST', 'articles/' . rawurlencode( $episode['episode'] ) . '/voice', new stdClass() );
	if ( is_wp_error( $answer ) ) {
		/* translators: %s: the desk's reason */
		return array( 'ok' => false, 'text' => sprintf( __( 'Пульт не принял задание: %s', 'audiocast' ), $answer->get_error_message() ) );
	}
	$job  = isset( $answer['job'] ) ? (int) $answer['job'] : 0;
	$text = null === $episode
		/* translators: %d: the desk's job number */
		? __( 'Задание №%d поставлено в очередь: пульт синхронизирует сайт и озвучит новые статьи.', 'audiocast' )
		/* translators: %d: the desk's job number */
		: __( 'Задание №%d поставлено в очередь: статья будет озвучена заново.', 'audiocast' );
	return array( 'ok' => true, 'text' => sprintf( $text, $job ) );
}

/**
 * Keep NOTICE for the current user's next view of the post (a minute at most).
 *
 * @param int   $post_id The post.
 * @param array $notice  From audiocast_revoice().
 */
function audiocast_set_notice( $post_id, $notice ) {
	set_transient( 'audiocast_notice_' . get_current_user_id() . '_' . (int) $post_id, $notice, MINUTE_IN_SECONDS );
}

/**
 * The notice kept for the current user and the post, once (then it is gone), or null.
 *
 * @param int $post_id The post.
 * @return array|null
 */
function audiocast_take_notice( $post_id ) {
	$key    = 'audiocast_notice_' . get_current_user_id() . '_' . (int) $post_id;
	$notice = get_transient( $key );
	if ( ! is_array( $notice ) ) {
		return null;
	}
	delete_transient( $key );
	return $notice;
}

// --- failures, for the column and the panel --------------------------------------------------

/**
 * Post id → why the desk failed it, asked at the cron refresh. Null when the desk is not
 * configured (then nothing is kept); a WP_Error when it did not answer.
 *
 * @return array|WP_Error|null
 */
function audiocast_fetch_failures() {
	$settings = audiocast_settings();
	if ( ! audiocast_desk_configured() || '' === $settings['source'] ) {
		return null;
	}
	$answer = audiocast_desk_call( 'GET', 'failures?source=' . rawurlencode( $settings['source'] ) );
	if ( is_wp_error( $answer ) ) {
		return $answer;
	}
	$failures = array();
	foreach ( (array) ( $answer['failures'] ?? array() ) as $id => $reason ) {
		if ( preg_match( '/^[1-9][0-9]{0,19}$/', (string) $id ) && is_string( $reason ) ) {
			$failures[ (int) $id ] = mb_substr( $reason, 0, AUDIOCAST_REASON_MAX );
		}
	}
	return $failures;
}

/**
 * Why the desk failed post POST_ID at the last refresh, or null.
 *
 * @param int $post_id A post id.
 * @return string|null
 */
function audiocast_failure_for( $post_id ) {
	$status = get_option( AUDIOCAST_INDEX_STATUS );
	if ( ! audiocast_desk_configured() || ! is_array( $status ) || ! isset( $status['failures'] ) ) {
		return null;
	}
	return $status['failures'][ (int) $post_id ] ?? null;
}
