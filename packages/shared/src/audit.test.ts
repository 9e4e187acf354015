import { describeAuditEntry } from './audit';

describe('describeAuditEntry', () => {
  it('names the action in Chinese and the room and person it was about', () => {
    expect(describeAuditEntry({ action: 'person.phone.read', details: { household: '1号楼 1单元 101', personName: '郭丽华', householdId: 'x' } })).toBe(
      '查看电话 · 1号楼 1单元 101 郭丽华',
    );
  });

  it('keeps an action it does not know as recorded, and leaves out details that are missing', () => {
    expect(describeAuditEntry({ action: 'order.export', details: null })).toBe('order.export');
    expect(describeAuditEntry({ action: 'health.read', details: { personName: '王芳' } })).toBe('查看健康数据 · 王芳');
  });

  it('says how many persons an import wrote', () => {
    expect(describeAuditEntry({ action: 'households.import', details: { persons: 42, created: 40, updated: 2, households: 15 } })).toBe('导入住户名册 · 42 人');
  });
});
