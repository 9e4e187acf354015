// Volunteer stats (staff) and the thank-you board (感谢榜); typed by the shared contract.
import { ThankYouPost, ThankYouPostList, VolunteerStats, type PublishThankYouPostBody } from '@linli/shared';
import { api } from './api';

export function volunteerStats(period: { from: string; to: string }) {
  return api.get('/api/v1/volunteer-stats', VolunteerStats, period);
}

export function publishThankYouPost(body: PublishThankYouPostBody) {
  return api.post('/api/v1/thank-you-posts', ThankYouPost, body);
}

export function listThankYouPosts() {
  return api.get('/api/v1/thank-you-posts', ThankYouPostList);
}

export function hideThankYouPost(postId: string) {
  return api.post(`/api/v1/thank-you-posts/${encodeURIComponent(postId)}/hide`, ThankYouPost);
}
