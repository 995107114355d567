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
 * The checkbox and the episode's status.
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
	echo '<p class="audiocast-status">' . wp_kses( audiocast_episode_status( $post ), array( 'a' => array( 'href' => array() ) ) ) . '</p>';
}

/**
 * A sentence on the post's episode, as HTML (escaped here).
 *
 * @param WP_Post $post The post.
 * @return string
 */
function audiocast_episode_status( $post ) {
	if ( null === audiocast_current_index() ) {
		return esc_html__( 'Индекс эпизодов ещё не загружен (Настройки → Audiocast).', 'audiocast' );
	}
	$episode = audiocast_episode_for( $post->ID );
	if ( null === $episode ) {
		return esc_html__( 'Эпизода пока нет.', 'audiocast' );
	}
	/* translators: %s: duration, 1:03 */
	$text = sprintf( __( 'Озвучено · %s', 'audiocast' ), $episode['duration_text'] );
	return '<a href="' . esc_url( $episode['page'] ) . '">' . esc_html( $text ) . '</a>';
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
