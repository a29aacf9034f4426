import type { CaseCommentBody, CaseCommentDto, Role } from '@finecity/types';
import { AppError } from '../../domain/errors.js';
import { authorize, scopeFacts } from '../access.js';
import type { CurrentUser, Deps } from '../deps.js';
import type { CaseRecord } from '../repositories.js';
import type { CommentRecord } from './ports.js';
import { resolveMentions } from './mentions.js';

/**
 * Talking on a case (Dalian 2018-125: 网格员直接与领导对话): anyone who may read the case may comment and
 * read the comments. Staff comments are internal unless marked public; residents see public replies and
 * their own (which are always public). Text passes the content check, as report text does.
 */
export async function addComment(deps: Deps, user: CurrentUser, caseId: string, input: CaseCommentBody): Promise<CaseCommentDto> {
  const { row, role } = await readable(deps, user, caseId);
  const staff = user.orgPath !== null;
  if (deps.contentCheck && user.openid && (await deps.contentCheck.checkText(user.openid, input.body)) === 'risky') {
    throw new AppError('content.rejected', '留言包含不当内容，请修改后重新提交', { field: 'body' });
  }
  const isPublic = staff ? (input.public ?? false) : true;
  // Residents talk to whoever handles their case; only staff can call people in by @-mention.
  const mentions = staff ? await resolveMentions(deps, row, input.body) : null;
  return deps.uow.run(async (tx) => {
    const now = deps.clock.now();
    const record = { caseId, authorId: user.id, authorRole: role, body: input.body, public: isPublic, mentions: mentions?.names ?? [], createdAt: now };
    const { id } = await tx.comments.insert(record);
    if (mentions && mentions.names.length) {
      const payload = { commentId: id, authorId: user.id, authorName: user.name, excerpt: excerpt(input.body), units: mentions.units, leadersAt: mentions.leadersAt, users: mentions.users };
      await tx.outbox.append([{ topic: 'case.comment', caseId, payload }], now);
    }
    return present({ ...record, id, authorName: user.name }, user, row);
  });
}

export async function listComments(deps: Deps, user: CurrentUser, caseId: string): Promise<CaseCommentDto[]> {
  const { row } = await readable(deps, user, caseId);
  const all = await deps.uow.run((tx) => tx.comments.list(caseId));
  const staff = user.orgPath !== null;
  return all.filter((c) => staff || c.public || c.authorId === user.id).map((c) => present(c, user, row));
}

/** The case, if the caller may read it (404 otherwise), and the role they read it in. */
async function readable(deps: Deps, user: CurrentUser, caseId: string): Promise<{ row: CaseRecord; role: Role }> {
  const loaded = await deps.cases.load(caseId, user.id);
  if (!loaded) throw new AppError('case.not_found', '案件不存在');
  const facts = scopeFacts(user, loaded.row, loaded.callerFollows);
  let role: Role;
  try {
    role = authorize(user, facts, 'case.read');
  } catch (err) {
    // A reporter reads their own case whatever staff role they hold (domain canSee): they comment as a resident.
    if (!(err instanceof AppError) || err.code !== 'auth.forbidden') throw err;
    role = 'resident';
  }
  return { row: loaded.row, role };
}

const EXCERPT_CHARS = 60;
const excerpt = (s: string) => (s.length > EXCERPT_CHARS ? `${s.slice(0, EXCERPT_CHARS)}…` : s);

const ROLE_TEXT: Record<string, string> = {
  resident: '市民', inspector: '网格员', community: '社区工作人员', street: '街道工作人员', district: '区平台', city: '市平台',
  department: '职能部门', third_party: '第三方采集员', leader: '领导', admin: '管理员',
};

/**
 * Residents see units' roles, not staff names (as on the case timeline); staff see names, except an
 * anonymous reporter's.
 */
function present(c: CommentRecord, viewer: CurrentUser, row: CaseRecord): CaseCommentDto {
  const own = c.authorId === viewer.id;
  // A third-party company never learns who reported, nor a resident's name (issue 11).
  const companyViewer = viewer.roles.includes('third_party') && !viewer.roles.some((r) => r !== 'third_party' && r !== 'resident');
  const hidden = companyViewer && (c.authorId === row.reporterId || c.authorRole === 'resident');
  const anonymousReporter = ((row.anonymous && c.authorId === row.reporterId) || hidden) && !own;
  const name = anonymousReporter ? '匿名' : own || viewer.orgPath !== null ? c.authorName : (ROLE_TEXT[c.authorRole] ?? '工作人员');
  return { id: c.id, authorName: name, authorRole: c.authorRole, body: c.body, public: c.public, mentions: viewer.orgPath !== null ? c.mentions : [], at: c.createdAt.toISOString() };
}
