<?php
/**
 * «Не озвучивать»: the post meta audiocast_exclude, registered for the REST API (where
 * `audiocast sync` reads it), and the meta box «Аудио» in the post editor with the checkbox
 * and the episode's status from the index. The block editor shows it as a classic meta box.
 *
 * @package Audiocast
 */

defined( 'ABSPATH' ) || exit;

add_action( 'init', 'audiocast_register_meta' );
add_action( 'add_meta_boxes', 'audiocast_add_meta_box' );
add_action( 'save_post', 'audiocast_save_meta_box', 10, 2 );

/**
 * The meta, on posts and on every post type the button is for.
 */
function audiocast_register_meta() {
	$types = array_unique( array_merge( array( 'post' ), audiocast_settings()['post_types'] ) );
	foreach ( $types as $type ) {
		register_post_meta(
			$type,
			AUDIOCAST_EXCLUDE_META,
			array(
				'type'          => 'boolean',
				'description'   => __( 'Не озвучивать эту запись (audiocast sync её пропускает).', 'audiocast' ),
				'single'        => true,
				'default'       => false,
				'show_in_rest'  => true,
				'auth_callback' => 'audiocast_can_edit_meta',
			)
		);
	}
}

/**
 * Who may change the meta: whoever may edit the post.
 *
 * @param bool   $allowed  WordPress's answer so far.
 * @param string $meta_key The meta key.
 * @param int    $post_id  The post.
 * @return bool
 */
function audiocast_can_edit_meta( $allowed, $meta_key, $post_id ) {
	return current_user_can( 'edit_post', $post_id );
}

/**
 * The meta box, on the post types that get the button.
 */
function audiocast_add_meta_box() {
	$types = array_unique( array_merge( array( 'post' ), audiocast_settings()['post_types'] ) );
	add_meta_box( 'audiocast-audio', __( 'Аудио', 'audiocast' ), 'audiocast_render_meta_box', $types, 'side' );
}

/**
 * The checkbox, what the last «Озвучить заново» did (once), the episode's status with a
 * player, and «Озвучить заново» when the desk is configured.
 *
 * @param WP_Post $post The post being edited.
 */
function audiocast_render_meta_box( $post ) {
	wp_nonce_field( 'audiocast_meta_box', 'audiocast_meta_nonce' );
	printf(
		'<p><label><input type="checkbox" name="audiocast_exclude" value="1"%1$s> %2$s</label></p>',
		checked( (bool) get_post_meta( $post->ID, AUDIOCAST_EXCLUDE_META, true ), true, false ),
		esc_html__( 'Не озвучивать', 'audiocast' )
	);
	$notice = audiocast_take_notice( $post->ID );
	if ( null !== $notice ) {
		printf(
			'<div class="notice inline %1$s audiocast-notice" role="status"><p>%2$s</p></div>',
			$notice['ok'] ? 'notice-success' : 'notice-error',
			esc_html( $notice['text'] )
		);
	}
	echo '<div class="audiocast-status">' . wp_kses( audiocast_episode_status( $post ), audiocast_status_tags() ) . '</div>';
	audiocast_render_revoice_button( $post );
}

/**
 * The tags the status may have (everything in it is escaped before; this is a second guard).
 *
 * @return array
 */
function audiocast_status_tags() {
	return array(
		'p'     => array( 'class' => array() ),
		'a'     => array( 'href' => array() ),
		'audio' => array(
			'controls'   => array(),
			'preload'    => array(),
			'src'        => array(),
			'aria-label' => array(),
			'style'      => array(),
		),
	);
}

/**
 * The post's audio as HTML (escaped here): excluded, failed at the desk (with its reason),
 * voiced (a link to the episode's page and a player), or waiting.
 *
 * @param WP_Post $post The post.
 * @return string
 */
function audiocast_episode_status( $post ) {
	if ( get_post_meta( $post->ID, AUDIOCAST_EXCLUDE_META, true ) ) {
		return '<p>' . esc_html__( 'Не озвучивается: отмечено «Не озвучивать».', 'audiocast' ) . '</p>';
	}
	$html    = '';
	$failure = audiocast_failure_for( $post->ID );
	if ( null !== $failure ) {
		/* translators: %s: why the desk failed to voice the post */
		$html .= '<p class="audiocast-failure">' . esc_html( sprintf( __( 'ошибка: %s', 'audiocast' ), $failure ) ) . '</p>';
	}
	if ( null === audiocast_current_index() ) {
		return $html . '<p>' . esc_html__( 'Индекс эпизодов ещё не загружен (Настройки → Audiocast).', 'audiocast' ) . '</p>';
	}
	$episode = audiocast_episode_for( $post->ID );
	if ( null === $episode ) {
		return '' !== $html ? $html : '<p>' . esc_html__( 'ждёт озвучки', 'audiocast' ) . '</p>';
	}
	/* translators: %s: duration, 1:03 */
	$text = sprintf( __( 'Озвучено · %s', 'audiocast' ), $episode['duration_text'] );
	/* translators: %s: the episode's title */
	$label = sprintf( __( 'Эпизод: %s', 'audiocast' ), $episode['title'] );
	return $html . '<p><a href="' . esc_url( $episode['page'] ) . '">' . esc_html( $text ) . '</a></p>'
		. '<audio controls preload="none" style="width:100%" src="' . esc_url( $episode['audio'] ) . '" aria-label="' . esc_attr( $label ) . '"></audio>';
}

/**
 * «Озвучить заново», for a published (or scheduled) post when the desk is configured. The
 * meta box sits inside the editor's form, so the button submits a form of its own printed in
 * the page's footer (audiocast_print_revoice_form) through its form attribute.
 *
 * @param WP_Post $post The post.
 */
function audiocast_render_revoice_button( $post ) {
	if ( ! audiocast_desk_configured() || ! in_array( $post->post_status, array( 'publish', 'future' ), true )
		|| ! current_user_can( 'edit_post', $post->ID ) ) {
		return;
	}
	audiocast_revoice_form_post( $post->ID );
	add_action( 'admin_footer', 'audiocast_print_revoice_form' );
	printf(
		'<p><button type="submit" form="audiocast-revoice-form" class="button">%s</button></p>',
		esc_html__( 'Озвучить заново', 'audiocast' )
	);
}

/**
 * The post whose revoice form the footer prints (set once by the meta box).
 *
 * @param int|null $post_id The post, when setting it.
 * @return int
 */
function audiocast_revoice_form_post( $post_id = null ) {
	static $current = 0;
	if ( null !== $post_id ) {
		$current = (int) $post_id;
	}
	return $current;
}

/**
 * The form «Озвучить заново» submits: to admin-post.php, with the post's own nonce.
 */
function audiocast_print_revoice_form() {
	$post_id = audiocast_revoice_form_post();
	if ( ! $post_id ) {
		return;
	}
	printf(
		'<form id="audiocast-revoice-form" method="post" action="%1$s" hidden><input type="hidden" name="action" value="%2$s"><input type="hidden" name="post_id" value="%3$d"><input type="hidden" name="_wpnonce" value="%4$s"></form>',
		esc_url( admin_url( 'admin-post.php' ) ),
		esc_attr( AUDIOCAST_REVOICE_ACTION ),
		(int) $post_id,
		esc_attr( wp_create_nonce( audiocast_revoice_nonce_action( $post_id ) ) )
	);
}

/**
 * Store the checkbox: only with the meta box's nonce, by someone who may edit the post, and
 * not for autosaves or revisions.
 *
 * @param int     $post_id The post.
 * @param WP_Post $post    The post.
 */
function audiocast_save_meta_box( $post_id, $post ) {
	if ( ! isset( $_POST['audiocast_meta_nonce'] )
		|| ! wp_verify_nonce( sanitize_key( wp_unslash( $_POST['audiocast_meta_nonce'] ) ), 'audiocast_meta_box' )
		|| ( defined( 'DOING_AUTOSAVE' ) && DOING_AUTOSAVE ) || wp_is_post_revision( $post_id )
		|| ! current_user_can( 'edit_post', $post_id ) ) {
		return;
	}
	if ( ! empty( $_POST['audiocast_exclude'] ) ) {
		update_post_meta( $post_id, AUDIOCAST_EXCLUDE_META, true );
	} else {
		delete_post_meta( $post_id, AUDIOCAST_EXCLUDE_META );
	}
}
