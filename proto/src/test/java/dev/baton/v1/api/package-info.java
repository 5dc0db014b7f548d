/** Checks of the baton.v1 API itself: buf lint and buf breaking against the last released API. */
package dev.baton.v1.api;
